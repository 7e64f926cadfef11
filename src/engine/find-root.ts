/**
 * Where the repository is: the nearest folder holding pipeline.yaml. Apart from project.ts (which
 * re-exports it) because the CLI's crash reporter needs it at start-up, and project.ts brings the YAML
 * parser and the schema validator, which `grokpipe --help` should not load.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GrokpipeError } from './errors.ts';

export const PIPELINE_FILE = 'pipeline.yaml';

/** The nearest folder at or above `start` that holds pipeline.yaml. */
export function findRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, PIPELINE_FILE))) return dir;
    const up = dirname(dir);
    if (up === dir) {
      throw new GrokpipeError({
        title: `no ${PIPELINE_FILE} found`,
        expected: `a ${PIPELINE_FILE} in ${resolve(start)} or one of its parent folders`,
        found: 'none',
        hint: 'run grokpipe inside the repository, or pass -C <dir>',
      });
    }
    dir = up;
  }
}
