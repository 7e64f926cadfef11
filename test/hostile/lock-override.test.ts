/**
 * `repro --set` is not the profile. Finding: it rewrote the profile's lock section with no trace, and
 * `gc` then deleted the profile's real results. Now: an overridden run is never recorded in
 * grokpipe.lock (it says so), verify does not pass it for the profile, and gc keeps what the lock
 * references, so the profile's results restore without running.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, ranIn, removeRepos, restoredIn, type Repo } from '../engine/helpers.ts';
import { builtRepo, readLockJson, store } from './lock-store-fixture.ts';

let repo: Repo;

beforeAll(async () => {
  repo = await builtRepo({
    'claims.yaml': `claims:
  - id: sum
    published: 3
    reproduced: { instance: sum, file: sum.json, path: total }
    check: { type: equals }
`,
  });
});
afterAll(() => removeRepos());

describe('repro --set', () => {
  test('runs with the override, says it is not recorded, and leaves grokpipe.lock byte for byte', async () => {
    const lock = repo.read('grokpipe.lock');
    const keys = Object.values(readLockJson(repo).profiles.quick!).map((e) => e.key);
    const r = await cli(repo, 'repro', '--set', 'vars.x=5');
    expect(r.code, r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['gen[k=1]', 'gen[k=2]', 'sum']);
    expect(r.out + r.err).toContain('--set vars.x=5: results are not recorded in grokpipe.lock');
    expect(repo.read('grokpipe.lock')).toBe(lock);
    expect(JSON.parse(repo.read('artifacts/sum/sum.json'))).toEqual({ total: 15 });
    // the profile's records are still in the store
    for (const k of keys) expect(store(repo).readRecord(k)).not.toBeNull();
  });
  test('verify does not pass the overridden artifacts for the profile', async () => {
    const r = await cli(repo, 'verify');
    expect(r.code).toBe(3); // not built (issue 21): the folder holds the --set build, not the profile's
    expect(r.out).toContain('sum is not built for profile quick (run grokpipe repro --profile quick); artifacts/sum holds another build');
    expect(r.out).toMatch(/^sum\s.*NOT BUILT$/m);
  });
  test('gc keeps what the lock references; the profile restores without running and verifies', async () => {
    const gc = await cli(repo, 'gc');
    expect(gc.code, gc.err).toBe(0);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(ranIn(r.err)).toEqual([]);
    expect(restoredIn(r.err)).toEqual(['gen[k=1]', 'gen[k=2]', 'sum']);
    expect((await cli(repo, 'verify')).code).toBe(0);
    expect((await cli(repo, 'verify', '--lock')).code).toBe(0);
  });
});
