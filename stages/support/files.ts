/** Reading and writing the study's JSON artifacts: canonical JSON, so the same result is the same bytes. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import type { InputRef } from '../../src/engine/stage.ts';

export async function writeJson(outDir: string, file: string, value: unknown): Promise<void> {
  await writeFile(join(outDir, file), canonicalJson(value, { nonFinite: 'null' }) + '\n');
}

/** The single upstream instance behind a dependency, with a clear error when a fan-in was wired instead. */
export function single(inputs: Record<string, InputRef | InputRef[]>, dep: string): InputRef {
  const ref = inputs[dep];
  if (ref === undefined) throw new Error(`this stage needs a dependency named '${dep}' in pipeline.yaml (deps: { ${dep}: ... })`);
  if (Array.isArray(ref)) {
    throw new Error(`dependency '${dep}' must select exactly one instance, found a fan-in of ${ref.length}: give every matrix key in its selector`);
  }
  return ref;
}

/** Every upstream instance behind a fan-in dependency (a single selector counts as a list of one). */
export function many(inputs: Record<string, InputRef | InputRef[]>, dep: string): InputRef[] {
  const ref = inputs[dep];
  if (ref === undefined) return [];
  return Array.isArray(ref) ? ref : [ref];
}
