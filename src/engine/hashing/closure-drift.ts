/**
 * A stage's code edited while its instance runs: the key was computed from the old content, the outputs
 * come from who knows which. Storing them under that key would later restore them for code that did not
 * produce them, so after every run the closure is hashed again and any change fails the instance.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MISSING } from './code-closure.ts';
import type { FileHashCache } from './file-hash-cache.ts';

export interface ClosureChange {
  file: string;
  planned: string;
  now: string;
}

export function closureChanges(root: string, code: Record<string, string>, cache: FileHashCache): ClosureChange[] {
  const changes: ClosureChange[] = [];
  for (const [file, planned] of Object.entries(code)) {
    const abs = join(root, file);
    let now = MISSING;
    if (existsSync(abs)) {
      try {
        now = cache.hash(abs);
      } catch {
        now = MISSING;
      }
    }
    if (now !== planned) changes.push({ file, planned, now });
  }
  return changes;
}
