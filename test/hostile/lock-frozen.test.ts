/**
 * `repro --frozen`, for CI (as `npm ci` and `cargo --locked`): the committed lock is the expected result.
 * Any change the run would make to grokpipe.lock (a new entry, a changed key, a removed entry) is an
 * error naming the instances, refused before they run, and the lock file is not written at all (same
 * bytes, same inode: not even rewritten with the same content).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, ranIn, removeRepos, type Repo } from '../engine/helpers.ts';
import { builtRepo, GEN, PIPELINE, SUM } from './lock-store-fixture.ts';

afterAll(() => removeRepos());

/** The lock's bytes and the identity of the file that holds them. */
function lockFile(repo: Repo): { text: string; ino: bigint; mtimeNs: bigint } {
  const st = statSync(join(repo.dir, 'grokpipe.lock'), { bigint: true });
  return { text: repo.read('grokpipe.lock'), ino: st.ino, mtimeNs: st.mtimeNs };
}

describe('repro --frozen', () => {
  test('a fresh checkout of a committed lock rebuilds everything and does not write the lock', async () => {
    const built = await builtRepo();
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/gen.ts': GEN, 'stages/sum.ts': SUM, 'grokpipe.lock': built.read('grokpipe.lock') });
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code, r.out + r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['gen[k=1]', 'gen[k=2]', 'sum']);
    expect(lockFile(repo)).toEqual(before);
  });

  test('a changed key fails those instances before they run, naming them; downstream is skipped; the lock is not written', async () => {
    const repo = await builtRepo();
    repo.write('pipeline.yaml', PIPELINE.replace('x: 1', 'x: 2'));
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code).toBe(1);
    expect(ranIn(r.err)).toEqual([]);
    for (const n of ['gen[k=1]', 'gen[k=2]']) expect(r.out + r.err).toMatch(new RegExp(`${n.replace(/[[\]]/g, '\\$&')}.*--frozen: its key is now [0-9a-f]{12}, grokpipe\\.lock has [0-9a-f]{12}, and the lock may not change`));
    expect(r.out + r.err).toContain('Run grokpipe repro without --frozen, review the change to grokpipe.lock');
    expect(r.out + r.err).toMatch(/sum.*upstream gen\[k=1\] did not succeed/);
    expect(lockFile(repo)).toEqual(before);
  });

  test('a new instance (a matrix value added) is an error naming it; the instances the lock has are up to date', async () => {
    const repo = await builtRepo();
    repo.write('pipeline.yaml', PIPELINE.replace('k: [1, 2]', 'k: [1, 2, 3]'));
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/gen\[k=3\].*--frozen: grokpipe\.lock has no entry for it in profile quick/);
    expect(ranIn(r.err)).toEqual([]);
    expect(lockFile(repo)).toEqual(before);
    // without --frozen the same run records it (the change a user reviews and commits)
    const open = await cli(repo, 'repro');
    expect(open.code, open.out + open.err).toBe(0);
    expect(repo.read('grokpipe.lock')).toContain('gen[k=3]');
  });

  test('an instance the profile no longer has is refused before anything runs, naming it (exit 2); the lock is not written', async () => {
    const repo = await builtRepo();
    repo.write('pipeline.yaml', PIPELINE.replace('k: [1, 2]', 'k: [1]'));
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code).toBe(2);
    expect(r.err).toContain('repro --frozen: grokpipe.lock lists 1 instance that profile quick no longer has, and the lock may not change');
    expect(r.err).toContain('gen[k=2]');
    expect(ranIn(r.err)).toEqual([]);
    expect(lockFile(repo)).toEqual(before);
  });

  test('with nothing to change, --frozen is a no-op that leaves the file alone', async () => {
    const repo = await builtRepo();
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code, r.out + r.err).toBe(0);
    expect(lockFile(repo)).toEqual(before);
  });
});
