/**
 * A small repository for the lock and store cases of the hostile suite: `gen` (matrix k = 1, 2) writes
 * out.json from its params and vars.x; `sum` reads both. Built once per test file; each case edits the
 * lock, a manifest or the store, runs the CLI, and puts back what it changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectStore } from '../../src/engine/store/object-store.ts';
import { cli, makeRepo, type Repo, snapshot } from '../engine/helpers.ts';

export const PIPELINE = `version: 1
default_profile: quick
vars:
  x: 1
profiles:
  quick: {}
stages:
  gen:
    uses: stages/gen.ts
    matrix: { k: [1, 2] }
    params: { k: \${matrix.k}, x: \${vars.x} }
  sum:
    uses: stages/sum.ts
    deps: { g: gen }
`;

export const GEN = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'out.json'), JSON.stringify({ value: ctx.params.k * ctx.params.x })); },
};
`;

export const SUM = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    let total = 0;
    for (const r of ctx.inputs.g) total += JSON.parse(await r.text('out.json')).value;
    await writeFile(join(ctx.outDir, 'sum.json'), JSON.stringify({ total }));
  },
};
`;

export async function builtRepo(files: Record<string, string> = {}): Promise<Repo> {
  const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/gen.ts': GEN, 'stages/sum.ts': SUM, ...files });
  const r = await cli(repo, 'repro');
  if (r.code !== 0) throw new Error(`fixture repro failed: ${r.err}${r.out}`);
  return repo;
}

export type Lock = { format: number; profiles: Record<string, Record<string, { key: string; outputs: Record<string, string> }>> };

export function readLockJson(repo: Repo): Lock {
  return JSON.parse(repo.read('grokpipe.lock')) as Lock;
}

/** Everything the engine must leave as it was, plus the files outside the repository a case aims at. */
export function state(repo: Repo): Record<string, string> {
  return snapshot(repo, ['.grokpipe/store', 'grokpipe.lock', 'artifacts']);
}

export function manifestOf(repo: Repo, instance: string): { key: string; outputs: Record<string, string> } & Record<string, unknown> {
  return JSON.parse(repo.read(`artifacts/${instance}/manifest.json`));
}

export function writeManifest(repo: Repo, instance: string, manifest: unknown): void {
  writeFileSync(join(repo.dir, 'artifacts', instance, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

export function store(repo: Repo): ObjectStore {
  return new ObjectStore(repo.dir);
}

export function fileText(path: string): string {
  return readFileSync(path, 'utf8');
}
