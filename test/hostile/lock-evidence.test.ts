/**
 * The committed lock is evidence. Finding (tried as a new user would, in this three-instance study): an
 * output hash of grokpipe.lock set to zeros, artifacts/ and .grokpipe/ deleted, `repro` exited 0 and wrote
 * the new hash over the committed one; with the store present it said "nothing to do" and wrote the
 * store's hash back; a run record planted in a shared store (GROKPIPE_STORE) was restored against the lock.
 * Now: bytes that differ from the lock under the same key fail the instance, naming each file with both
 * hashes, keep the new outputs in .grokpipe/diverged/<instance>/, and leave the lock, the store and
 * artifacts/ as they were; a store record that disagrees with the lock is not restored but rebuilt and
 * compared.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, ranIn, removeRepos, restoredIn, type Repo } from '../engine/helpers.ts';
import { builtRepo, GEN, PIPELINE, readLockJson, state, store, SUM } from './lock-store-fixture.ts';

const ZEROS = '0'.repeat(64);
const shared: string[] = [];
afterAll(() => {
  removeRepos();
  for (const d of shared) rmSync(d, { recursive: true, force: true });
});

/** Sets gen[k=1]'s out.json hash in grokpipe.lock to zeros, as a hand edit (or a hostile pull request) would. */
function zeroLockedHash(repo: Repo): string {
  const lock = readLockJson(repo);
  const real = lock.profiles.quick!['gen[k=1]']!.outputs['out.json']!;
  lock.profiles.quick!['gen[k=1]']!.outputs['out.json'] = ZEROS;
  repo.write('grokpipe.lock', `${JSON.stringify(lock, null, 2)}\n`);
  return real;
}

/** The CLI in this process with GROKPIPE_STORE set (the store is located when the workspace opens). */
async function cliWithStore(repo: Repo, dir: string, ...argv: string[]) {
  const before = process.env.GROKPIPE_STORE;
  process.env.GROKPIPE_STORE = dir;
  try {
    return await cli(repo, ...argv);
  } finally {
    if (before === undefined) delete process.env.GROKPIPE_STORE;
    else process.env.GROKPIPE_STORE = before;
  }
}

function expectDivergence(out: string, real: string): void {
  expect(out).toContain('✗');
  expect(out).toMatch(/gen\[k=1\].*its outputs differ from those grokpipe\.lock records for the same key/);
  expect(out).toContain(`out.json: grokpipe.lock ${ZEROS}, this run ${real}`);
  expect(out).toContain('.grokpipe/diverged/gen[k=1]/');
  expect(out).toContain('git checkout grokpipe.lock');
}

describe('bytes that differ from the lock under the same key', () => {
  test('fresh checkout (no artifacts, no store): repro fails the instance, keeps its outputs aside, and writes neither lock nor store record', async () => {
    const repo = await builtRepo();
    const real = zeroLockedHash(repo);
    const key = readLockJson(repo).profiles.quick!['gen[k=1]']!.key;
    rmSync(join(repo.dir, 'artifacts'), { recursive: true });
    rmSync(join(repo.dir, '.grokpipe'), { recursive: true });
    const lock = repo.read('grokpipe.lock');
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(1);
    expectDivergence(r.out + r.err, real);
    expect(repo.read('grokpipe.lock')).toBe(lock);
    expect(store(repo).readRecord(key)).toBeNull();
    expect(repo.exists('artifacts/gen[k=1]')).toBe(false);
    expect(JSON.parse(repo.read('.grokpipe/diverged/gen[k=1]/out.json'))).toEqual({ value: 1 });
    // sum depends on it and does not run; gen[k=2] agrees with the lock and is built
    expect(ranIn(r.err)).toEqual(['gen[k=2]']);
    expect(r.out + r.err).toMatch(/sum.*upstream gen\[k=1\] did not succeed/);
    // a second try is the same error, not an update
    const again = await cli(repo, 'repro');
    expect(again.code).toBe(1);
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });

  test('local store and artifacts present: repro does not call the edited entry up to date nor write the store back; all stays as it was', async () => {
    const repo = await builtRepo();
    const real = zeroLockedHash(repo);
    const before = state(repo);
    const st = await cli(repo, 'status');
    expect(st.out).toMatch(/^stale\s+gen\[k=1\]: the store's run record for its key disagrees with grokpipe\.lock on out\.json/m);
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/the store's run record for gen\[k=1\] \(key [0-9a-f]{12}\) disagrees with grokpipe\.lock on out\.json: not restored/);
    expectDivergence(r.out + r.err, real);
    expect(state(repo)).toEqual(before);
    expect(readLockJson(repo).profiles.quick!['gen[k=1]']!.outputs['out.json']).toBe(ZEROS);
    expect(existsSync(join(repo.dir, '.grokpipe/diverged/gen[k=1]/out.json'))).toBe(true);
  });

  test('repro --force on a deterministic stage agrees with the lock and changes nothing', async () => {
    const repo = await builtRepo();
    const lock = repo.read('grokpipe.lock');
    const r = await cli(repo, 'repro', '--force');
    expect(r.code, r.out + r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['gen[k=1]', 'gen[k=2]', 'sum']);
    expect(repo.read('grokpipe.lock')).toBe(lock);
    expect(repo.exists('.grokpipe/diverged')).toBe(false);
  });
});

describe('the committed lock outranks the store', () => {
  test('a record planted in a shared store (GROKPIPE_STORE) is not restored in a fresh checkout: the instance is rebuilt, agrees with the lock, and the record is put right', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grokpipe-hostile-shared-'));
    shared.push(dir);
    const files = { 'pipeline.yaml': PIPELINE, 'stages/gen.ts': GEN, 'stages/sum.ts': SUM };
    const first = makeRepo(files);
    expect((await cliWithStore(first, dir, 'repro')).code).toBe(0);
    const lock = first.read('grokpipe.lock');
    const locked = readLockJson(first).profiles.quick!;
    // gen[k=1]'s record now points out.json at gen[k=2]'s object: a valid object, the wrong data
    const recordFile = join(dir, 'keys', `${locked['gen[k=1]']!.key}.json`);
    const rec = JSON.parse(readFileSync(recordFile, 'utf8'));
    rec.outputs['out.json'] = locked['gen[k=2]']!.outputs['out.json'];
    writeFileSync(recordFile, JSON.stringify(rec));

    const second = makeRepo({ ...files, 'grokpipe.lock': lock });
    const r = await cliWithStore(second, dir, 'repro');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out + r.err).toMatch(/the store's run record for gen\[k=1\] .* disagrees with grokpipe\.lock on out\.json: not restored/);
    expect(ranIn(r.err)).toEqual(['gen[k=1]']);
    expect(restoredIn(r.err)).toEqual(['gen[k=2]', 'sum']);
    expect(second.read('grokpipe.lock')).toBe(lock);
    expect(JSON.parse(second.read('artifacts/gen[k=1]/out.json'))).toEqual({ value: 1 });
    expect(JSON.parse(second.read('artifacts/sum/sum.json'))).toEqual({ total: 3 });
    // the rebuild agreed with the lock, so it is stored under the key in place of the planted record
    const prev = process.env.GROKPIPE_STORE;
    process.env.GROKPIPE_STORE = dir;
    try {
      expect(store(second).readRecord(locked['gen[k=1]']!.key)!.outputs).toEqual(locked['gen[k=1]']!.outputs);
    } finally {
      if (prev === undefined) delete process.env.GROKPIPE_STORE;
      else process.env.GROKPIPE_STORE = prev;
    }
  });

  test('a record in the local store that disagrees with the lock is not restored: the instance is rebuilt and agrees with the lock', async () => {
    const repo = await builtRepo();
    const locked = readLockJson(repo).profiles.quick!;
    const key = locked['gen[k=1]']!.key;
    const rec = JSON.parse(repo.read(`.grokpipe/store/keys/${key}.json`));
    rec.outputs['out.json'] = locked['gen[k=2]']!.outputs['out.json'];
    writeFileSync(join(repo.dir, '.grokpipe/store/keys', `${key}.json`), JSON.stringify(rec));
    rmSync(join(repo.dir, 'artifacts', 'gen[k=1]'), { recursive: true });
    const lock = repo.read('grokpipe.lock');
    const r = await cli(repo, 'repro');
    expect(r.code, r.out + r.err).toBe(0);
    expect(restoredIn(r.err)).toEqual([]);
    expect(ranIn(r.err)).toEqual(['gen[k=1]']);
    expect(JSON.parse(repo.read('artifacts/gen[k=1]/out.json'))).toEqual({ value: 1 });
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });
});
