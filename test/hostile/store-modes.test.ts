/**
 * What a stage leaves in its folder is data, not permissions or paths. Finding: an output with mode
 * 6777 was kept in the store (and artifacts/) as a setuid, world-writable file. Class: setuid, setgid,
 * sticky, executable and world-writable bits on files and folders, through a run and through a
 * restore; output names that no folder can safely hold (a newline, a backslash).
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, ranIn, removeRepos, restoredIn, snapshot, type Repo } from '../engine/helpers.ts';
import { store } from './lock-store-fixture.ts';

const PIPELINE = `version: 1
stages:
  bits:
    uses: stages/bits.ts
`;
// writes out.txt and sub/more.txt with every special bit set, and a folder that is world-writable
const BITS = `import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    await writeFile(join(ctx.outDir, 'out.txt'), 'x');
    await mkdir(join(ctx.outDir, 'sub'));
    await writeFile(join(ctx.outDir, 'sub', 'more.txt'), 'y');
    await chmod(join(ctx.outDir, 'out.txt'), 0o6777);
    await chmod(join(ctx.outDir, 'sub', 'more.txt'), 0o4755);
    await chmod(join(ctx.outDir, 'sub'), 0o1777);
  },
};
`;

let repo: Repo;
beforeAll(() => {
  repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/bits.ts': BITS });
});
afterAll(() => removeRepos());

const mode = (p: string) => statSync(p).mode & 0o7777;

describe('output modes', () => {
  test('a 6777 output is stored and installed as 0644 (folders 0755): no setuid, setgid, sticky, exec or world-write', async () => {
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['bits']);
    const art = join(repo.dir, 'artifacts', 'bits');
    expect(mode(join(art, 'out.txt'))).toBe(0o644);
    expect(mode(join(art, 'sub', 'more.txt'))).toBe(0o644);
    expect(mode(join(art, 'sub'))).toBe(0o755);
    const s = store(repo);
    const objects = s.listObjects();
    expect(objects.length).toBe(2);
    for (const o of objects) expect(mode(s.objectPath(o))).toBe(0o644);
  });
  test('a restore gives the same modes as the run', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(join(repo.dir, 'artifacts', 'bits'), { recursive: true });
    const r = await cli(repo, 'repro');
    expect(restoredIn(r.err)).toEqual(['bits']);
    expect(mode(join(repo.dir, 'artifacts', 'bits', 'out.txt'))).toBe(0o644);
    expect(mode(join(repo.dir, 'artifacts', 'bits', 'sub', 'more.txt'))).toBe(0o644);
  });
  test('a store object whose mode was changed afterwards is written back 0644 when the output is stored again', async () => {
    const s = store(repo);
    const o = s.listObjects()[0]!;
    chmodSync(s.objectPath(o), 0o6777);
    const r = await cli(repo, 'repro', '--force');
    expect(r.code, r.err).toBe(0);
    expect(mode(s.objectPath(o))).toBe(0o644);
  });
});

describe('output names no folder can safely hold', () => {
  for (const [what, name] of [
    ['a newline', 'a\\nb.txt'],
    ['a backslash', 'a\\\\b.txt'],
  ] as const) {
    test(`a stage writing a file whose name has ${what} fails with the name, and stores nothing`, async () => {
      const bad = makeRepo({
        'pipeline.yaml': PIPELINE,
        'stages/bits.ts': `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default { params: { type: 'object' }, async run(ctx: any) { await writeFile(join(ctx.outDir, "${name}"), 'x'); } };
`,
      });
      mkdirSync(join(bad.dir, '.grokpipe'), { recursive: true });
      const before = snapshot(bad);
      const r = await cli(bad, 'repro');
      expect(r.code).toBe(1);
      expect(r.out + r.err).toMatch(/the stage wrote a file named "a.*b\.txt", which cannot be an output: it contains (the control character U\+000A|a backslash)/);
      expect(snapshot(bad)).toEqual(before);
    });
  }
});
