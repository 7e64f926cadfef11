/**
 * Hostile cases for what a stage can read of its upstreams (issue 10): a dep declared with
 * `files: [out.txt]` could read the whole upstream folder through InputRef.dir (or dirname of a
 * declared path, or a cmd's ${deps.x}), so undeclared outputs and manifest.json, none of them in its
 * key, could change its result without a rerun. Now the stage sees a view holding only the declared
 * files; the upstream's folder is never handed out.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, ranIn, removeRepos, type Repo } from '../engine/helpers.ts';

const UP = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    await writeFile(join(ctx.outDir, 'out.txt'), 'declared');
    await writeFile(join(ctx.outDir, 'extra.txt'), 'undeclared ' + ctx.params.extra);
  },
};
`;

/** Tries every way to reach an undeclared file and records what it saw. */
const PEEK = `import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
const attempt = (f: () => unknown) => { try { return f(); } catch (e) { return 'refused: ' + (e as any).code; } };
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    const refs = Array.isArray(ctx.inputs.u) ? ctx.inputs.u : [ctx.inputs.u];
    const seen = refs.map((ref: any) => ({
      files: ref.files,
      listing: readdirSync(ref.dir).sort(),
      viaDir: attempt(() => readFileSync(join(ref.dir, 'extra.txt'), 'utf8')),
      viaDirname: attempt(() => readFileSync(join(dirname(ref.path('out.txt')), 'extra.txt'), 'utf8')),
      manifest: attempt(() => readFileSync(join(ref.dir, 'manifest.json'), 'utf8')),
      viaPath: attempt(() => ref.path('extra.txt')),
      declared: readFileSync(ref.path('out.txt'), 'utf8'),
      overwrite: attempt(() => writeFileSync(ref.path('out.txt'), 'clobbered')),
    }));
    await writeFile(join(ctx.outDir, 'seen.json'), JSON.stringify(seen));
  },
};
`;

const PIPELINE = (extra: number) => `version: 1
stages:
  up:
    uses: stages/up.ts
    matrix: { i: [1, 2] }
    params: { extra: ${extra}, i: \${matrix.i} }
  peek:
    uses: stages/peek.ts
    deps:
      u: { from: "up[i=1]", files: [out.txt] }
  peek_all:
    uses: stages/peek.ts
    deps:
      u: { from: up, files: [out.txt] }
  ls:
    cmd: [node, -e, "require('fs').writeFileSync(process.argv[2] + '/ls.json', JSON.stringify(require('fs').readdirSync(process.argv[1]).sort()))", "\${deps.u}", "\${out}"]
    deps:
      u: { from: "up[i=1]", files: [out.txt] }
`;

let repo: Repo;

beforeAll(() => {
  repo = makeRepo({ 'pipeline.yaml': PIPELINE(1), 'stages/up.ts': UP, 'stages/peek.ts': PEEK });
});
afterAll(removeRepos);

describe('a stage sees only the files its dependency declares', () => {
  test('key-inputs: InputRef.dir, dirname(path()), manifest.json and the fan-in: only the declared file is there', async () => {
    const r = await cli(repo, 'repro');
    expect(r.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(r.code).toBe(0);
    for (const stage of ['peek', 'peek_all']) {
      const seen = JSON.parse(repo.read(`artifacts/${stage}/seen.json`)) as Array<Record<string, unknown>>;
      expect(seen.length).toBe(stage === 'peek' ? 1 : 2);
      for (const s of seen) {
        expect(s.files).toEqual(['out.txt']);
        expect(s.listing).toEqual(['out.txt']);
        expect(s.viaDir).toBe('refused: ENOENT');
        expect(s.viaDirname).toBe('refused: ENOENT');
        expect(s.manifest).toBe('refused: ENOENT');
        expect(s.viaPath).toBe('refused: undefined');
        expect(s.declared).toBe('declared');
      }
    }
    // Whatever the stage did to its copy (root ignores the 0444 mode), the upstream's artifact is intact.
    expect(repo.read('artifacts/up[i=1]/out.txt')).toBe('declared');
    expect(repo.read('artifacts/up[i=1]/extra.txt')).toBe('undeclared 1');
  });

  test('key-inputs: a cmd stage given ${deps.u} gets a folder with only the declared file', () => {
    expect(JSON.parse(repo.read('artifacts/ls/ls.json'))).toEqual(['out.txt']);
  });

  test('key-inputs: changing only an undeclared upstream file reruns the upstream, not the readers (they could not see it)', async () => {
    repo.write('pipeline.yaml', PIPELINE(2));
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(ranIn(r.err)).toEqual(['up[i=1]', 'up[i=2]']);
    expect(repo.read('artifacts/up[i=1]/extra.txt')).toBe('undeclared 2');
  });

  test('key-inputs: the views are removed after the run', () => {
    const tmp = join(repo.dir, '.grokpipe', 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  });
});
