/**
 * Loads stage modules in the engine's process to read their params schema and compute identity. The
 * import URL carries the closure digest, so a long-lived process (tests, the in-process API) sees an
 * edited module; its transitive imports are cached by the runtime as usual.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GrokpipeError } from './errors.ts';
import type { StageDefinition } from './stage.ts';

export async function importStageModule(root: string, modulePath: string, digest: string): Promise<StageDefinition> {
  const url = `${pathToFileURL(join(root, modulePath)).href}?gp=${digest.slice(0, 16)}`;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    const err = e as Error;
    throw new GrokpipeError({
      title: `stage module \`${modulePath}\` failed to load`,
      file: modulePath,
      expected: 'a module that loads without error',
      found: (err.stack ?? String(err)).split('\n').slice(0, 6).join('\n'),
    });
  }
  return checkDefinition(mod.default, modulePath);
}

export function checkDefinition(def: unknown, modulePath: string): StageDefinition {
  const d = def as Partial<StageDefinition> | undefined;
  const problem = !d || typeof d !== 'object'
    ? 'no default export'
    : typeof d.run !== 'function'
      ? 'a default export without a run(ctx) function'
      : !d.params || typeof d.params !== 'object'
        ? 'a default export without a params JSON schema'
        : d.compute !== undefined && typeof d.compute !== 'function'
          ? 'a compute field that is not a function'
          : d.estimate !== undefined && typeof d.estimate !== 'function'
            ? 'an estimate field that is not a function'
            : null;
  if (problem) {
    throw new GrokpipeError({
      title: `\`${modulePath}\` is not a stage module`,
      file: modulePath,
      expected: 'export default { params: <JSON schema>, compute?: (params) => string, estimate?: (params) => { seconds }, run(ctx) {...} }',
      found: problem,
      hint: 'see docs/pipeline.md, "The stage contract"',
    });
  }
  return d as StageDefinition;
}
