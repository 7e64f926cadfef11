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

  test('a changed key is refused before anything runs, naming every instance whose key moved, downstream included (exit 2); the lock is not written', async () => {
    const repo = await builtRepo();
    repo.write('pipeline.yaml', PIPELINE.replace('x: 1', 'x: 2'));
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code).toBe(2);
    expect(ranIn(r.err)).toEqual([]);
    expect(r.err).toContain('repro --frozen: 2 instances of profile quick would change grokpipe.lock, and the lock may not change');
    // each named with the lock's key, the key the code gives now, and what moved it (the run record knows)
    for (const n of ['gen[k=1]', 'gen[k=2]']) expect(r.err).toMatch(new RegExp(`${n.replace(/[[\]]/g, '\\$&')}: the lock has key [0-9a-f]{12}, the code now gives [0-9a-f]{12} \\(params params\\.x: 1 -> 2`));
    expect(r.err).toContain('Rebuild with grokpipe repro (without --frozen), review the change to grokpipe.lock');
    expect(lockFile(repo)).toEqual(before);
  });

  test('a key that moved deep in the graph (only the fan-in stage edited) is found before anything runs, with the file that moved it', async () => {
    const repo = await builtRepo();
    repo.write('stages/sum.ts', SUM.replace('let total = 0;', 'let total = 0; // edited'));
    const before = lockFile(repo);
    const dry = await cli(repo, 'repro', '--frozen', '--dry-run');
    const r = await cli(repo, 'repro', '--frozen');
    for (const x of [dry, r]) {
      expect(x.code).toBe(2);
      expect(x.err).toContain('repro --frozen: 1 instance of profile quick would change grokpipe.lock');
      expect(x.err).toMatch(/sum: the lock has key [0-9a-f]{12}, the code now gives [0-9a-f]{12} \(code stages\/sum\.ts: [0-9a-f]+ -> [0-9a-f]+/);
    }
    expect(ranIn(r.err)).toEqual([]);
    expect(lockFile(repo)).toEqual(before);
  });

  test('a new instance (a matrix value added) is refused before anything runs, naming it; without --frozen the same run records it', async () => {
    const repo = await builtRepo();
    repo.write('pipeline.yaml', PIPELINE.replace('k: [1, 2]', 'k: [1, 2, 3]'));
    const before = lockFile(repo);
    const r = await cli(repo, 'repro', '--frozen');
    expect(r.code).toBe(2);
    expect(r.err).toContain('gen[k=3]: not in the lock');
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
