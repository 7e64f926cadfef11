/**
 * A read-only checkout (a CI cache, a shared results folder): status, show and repro --dry-run work and
 * write nothing; repro and gc refuse with a clear message, no stack trace. And on a writable checkout
 * a dry run writes nothing at all: not the hash cache, not a probe file, not a folder.
 *
 * The read-only case needs a real read-only filesystem: a read-only bind mount, which needs root (the
 * test is skipped elsewhere).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, canMount, cli, makeRepo, removeRepos, type Repo } from '../engine/helpers.ts';

const PIPE = (word: string) => `version: 1
stages:
  s:
    cmd: [sh, -c, "echo ${word} > \${out}/o.txt"]
  t:
    cmd: [sh, -c, "cat \${deps.s}/o.txt > \${out}/p.txt"]
    deps: { s: s }
  m:
    uses: stages/m.ts
    deps: { t: t }
`;
const MODULE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'm.txt'), await ctx.inputs.t.text('p.txt')); },
};
`;

/** Every path under the repository with its kind, size and mtime: equal listings = nothing written. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const st = statSync(abs);
      out[relative(dir, abs)] = `${e.isDirectory() ? 'dir' : 'file'}:${e.isDirectory() ? '' : st.size}:${st.mtimeMs}`;
      if (e.isDirectory()) walk(abs);
    }
  };
  walk(dir);
  return out;
}

let repo: Repo;
beforeAll(async () => {
  repo = makeRepo({ 'pipeline.yaml': PIPE('hi'), 'stages/m.ts': MODULE });
  expect((await cli(repo, 'repro')).code).toBe(0);
  repo.write('pipeline.yaml', PIPE('ho'));
});
afterAll(removeRepos);

describe('dry run writes nothing', () => {
  test('repro --dry-run on a writable checkout leaves every file and folder (and its mtime) as it was', async () => {
    const before = listing(repo.dir);
    const r = await cli(repo, 'repro', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing was written');
    expect(listing(repo.dir)).toEqual(before);
  });
});

const canMountReadOnly = () => canMount((probe) => ['--bind', probe, probe]);

describe.skipIf(!canMountReadOnly())('read-only checkout (a read-only bind mount)', () => {
  let ro: string;
  beforeAll(() => {
    ro = mkdtempSync(join(tmpdir(), 'grokpipe-ro-'));
    execFileSync('mount', ['--bind', repo.dir, ro]);
    execFileSync('mount', ['-o', 'remount,ro,bind', ro]);
  });
  afterAll(() => {
    execFileSync('umount', [ro]);
    rmdirSync(ro);
  });
  const run = (...argv: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: ro, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('status, show and repro --dry-run work (stage modules are imported, nothing is written)', () => {
    const before = listing(repo.dir);
    const st = run('status');
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/stale\s+s: its key changed/);
    const sh = run('show', 'm');
    expect(sh.code).toBe(0);
    expect(sh.out).toMatch(/^instance\s+m$/m);
    const dry = run('repro', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/would run\s+s/);
    for (const r of [st, sh, dry]) expect(r.err).toBe('');
    expect(listing(repo.dir)).toEqual(before);
  });

  test('class: repro and gc, which must write, refuse with what, where and what to do (exit 1, no stack trace)', () => {
    const before = listing(repo.dir);
    for (const verb of ['repro', 'gc']) {
      const r = run(verb);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`error: grokpipe ${verb} failed: the filesystem is read-only (EROFS)`);
      expect(r.err).toContain('hint: run grokpipe where it may write, or use status / show / repro --dry-run, which write nothing');
      expect(r.err).not.toMatch(/\n\s+at |internal error/);
    }
    expect(listing(repo.dir)).toEqual(before);
  });
});
