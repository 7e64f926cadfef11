/**
 * The remote store over HTTP, against a real nginx with WebDAV (nginx.ts): as a new user would try it,
 * two clones of a small study: the first builds and pushes, the second pulls ("ran 0", the same lock);
 * repro reads through on a local miss; an object altered on the server, a record that gives other outputs
 * than the committed lock, and a record naming an object the server lacks are refused.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeRepos, type Repo } from '../engine/helpers.ts';
import { startNginx, type Nginx } from './nginx.ts';
import { cloneOf, countObjects, grokpipe, localStore, makeRepo, STUDY, unsoundObjects } from './remote-fixture.ts';

let nginx: Nginx;
let built: Repo;
beforeAll(async () => {
  nginx = await startNginx();
  built = makeRepo(STUDY);
  const r = grokpipe(built, {}, 'repro');
  expect(r.code, r.out + r.err).toBe(0);
});
afterAll(async () => {
  await nginx?.remove();
  removeRepos();
});

const onServer = (kind: 'ac' | 'cas', base = nginx.data) => (existsSync(join(base, kind)) ? readdirSync(join(base, kind)).sort() : []);

describe('push and pull through nginx', () => {
  test('the first clone pushes; the second pulls, restores with ran 0 and gets the same lock; both resume', () => {
    const remote = `${nginx.url}/study`;
    const push = grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push');
    expect(push.code, push.out + push.err).toBe(0);
    expect(push.out).toMatch(/sent 4, already on the remote 0, refused 0; 4 files/);
    // The progress line goes to stderr: files, bytes, rate.
    expect(push.err).toMatch(/push {2}4\/4 instances {2}4 files {2}[\d.]+ (B|kB) {2}[\d.]+ (B|kB|MB)\/s/);
    const lock = JSON.parse(built.read('grokpipe.lock')) as { profiles: Record<string, Record<string, { key: string; outputs: Record<string, string> }>> };
    const entries = Object.values(lock.profiles.default!);
    expect(onServer('ac', join(nginx.data, 'study'))).toEqual(entries.map((e) => e.key).sort());
    expect(onServer('cas', join(nginx.data, 'study'))).toEqual([...new Set(entries.flatMap((e) => Object.values(e.outputs)))].sort());

    const again = grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/sent 0, already on the remote 4/);

    const second = cloneOf(built);
    const pull = grokpipe(second, { GROKPIPE_REMOTE: remote }, 'pull');
    expect(pull.code, pull.out + pull.err).toBe(0);
    expect(pull.out).toMatch(/fetched 4, already here 0, not on the remote 0, refused 0/);
    const repro = grokpipe(second, { GROKPIPE_REMOTE: remote }, 'repro');
    expect(repro.code, repro.out + repro.err).toBe(0);
    expect(repro.err).toContain('ran 0, restored 4');
    expect(second.read('grokpipe.lock')).toBe(built.read('grokpipe.lock'));
    expect(second.read('artifacts/b/out.json')).toBe(built.read('artifacts/b/out.json'));
    const pullAgain = grokpipe(second, { GROKPIPE_REMOTE: remote }, 'pull');
    expect(pullAgain.out).toMatch(/fetched 0, already here 4/);
  });

  test('repro reads through to the remote on a local miss (GROKPIPE_REMOTE, or grokpipe.remote), and --no-remote turns it off', () => {
    const remote = `${nginx.url}/through`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const third = cloneOf(built);
    third.write('grokpipe.remote', `# the study's shared results (no secret here)\n${remote}\n`);
    const off = grokpipe(third, {}, 'repro', '--no-remote', '--dry-run');
    expect(off.out).toMatch(/3 to run/);
    const r = grokpipe(third, {}, 'repro');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.err).toContain('ran 0, restored 4');
    expect(third.read('grokpipe.lock')).toBe(built.read('grokpipe.lock'));

    const fourth = cloneOf(built);
    const local = grokpipe(fourth, { GROKPIPE_REMOTE: remote }, 'repro', '--no-remote');
    expect(local.err).toContain('ran 4, restored 0');
  });

  test('an object altered on the server is refused: not stored, reported, and repro builds it instead', () => {
    const remote = `${nginx.url}/altered`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const lock = JSON.parse(built.read('grokpipe.lock')) as { profiles: Record<string, Record<string, { outputs: Record<string, string> }>> };
    const sha = lock.profiles.default!['b']!.outputs['out.json']!;
    writeFileSync(join(nginx.data, 'altered', 'cas', sha), '{"value":"not what was built"}');
    const second = cloneOf(built);
    const pull = grokpipe(second, { GROKPIPE_REMOTE: remote }, 'pull');
    expect(pull.code).toBe(1);
    expect(pull.err).toContain(`object ${sha.slice(0, 12)}… (out.json of b) is corrupt on the remote ${remote}: expected sha256 ${sha}, received `);
    expect(pull.out).toMatch(/fetched 3, .* refused 1/);
    expect(existsSync(join(localStore(second), 'keys', `${Object.values(lock.profiles.default!)[0]}`))).toBe(false);
    expect(existsSync(join(localStore(second), 'objects', sha.slice(0, 2), sha.slice(2)))).toBe(false);
    expect(unsoundObjects(localStore(second))).toEqual([]);

    const third = cloneOf(built);
    const repro = grokpipe(third, { GROKPIPE_REMOTE: remote }, 'repro');
    expect(repro.code, repro.out + repro.err).toBe(0);
    expect(repro.err).toMatch(/is corrupt on the remote/);
    expect(repro.err).toContain('ran 1, restored 3');
    expect(third.read('grokpipe.lock')).toBe(built.read('grokpipe.lock'));
    expect(unsoundObjects(localStore(third))).toEqual([]);
  });

  test('a record on the server whose outputs are not the committed lock\'s is not restored: the lock outranks every store', () => {
    const remote = `${nginx.url}/planted`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const lock = JSON.parse(built.read('grokpipe.lock')) as { profiles: Record<string, Record<string, { key: string; outputs: Record<string, string> }>> };
    const a1 = lock.profiles.default!['a[n=1]']!;
    const a2 = lock.profiles.default!['a[n=2]']!;
    // a[n=1]'s record now points at a[n=2]'s output: a valid object, the wrong one.
    const recFile = join(nginx.data, 'planted', 'ac', a1.key);
    const rec = JSON.parse(readFileSync(recFile, 'utf8')) as { outputs: Record<string, string> };
    rec.outputs = a2.outputs;
    writeFileSync(recFile, JSON.stringify(rec));
    const second = cloneOf(built);
    const pull = grokpipe(second, { GROKPIPE_REMOTE: remote }, 'pull');
    expect(pull.code).toBe(1);
    expect(pull.err).toContain("refused  a[n=1]: the remote's record for a[n=1]");
    expect(pull.err).toContain('differ from grokpipe.lock\'s entry for the same key (out.json); the committed lock outranks every store');
    expect(existsSync(join(localStore(second), 'keys', `${a1.key}.json`))).toBe(false);
  });

  test('a record naming an object the server lacks is refused, and the pull exits 1 saying which', () => {
    const remote = `${nginx.url}/lacking`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const lock = JSON.parse(built.read('grokpipe.lock')) as { profiles: Record<string, Record<string, { key: string; outputs: Record<string, string> }>> };
    const b = lock.profiles.default!['b']!;
    rmSync(join(nginx.data, 'lacking', 'cas', b.outputs['out.json']!));
    const second = cloneOf(built);
    const pull = grokpipe(second, { GROKPIPE_REMOTE: remote }, 'pull');
    expect(pull.code).toBe(1);
    expect(pull.err).toContain(`refused  b: the remote's record for b names an object the server does not have (out.json: ${b.outputs['out.json']})`);
    expect(existsSync(join(localStore(second), 'keys', `${b.key}.json`))).toBe(false);
    expect(countObjects(localStore(second))).toBe(3);
    expect(unsoundObjects(localStore(second))).toEqual([]);
  });

  test('a remote that is down: repro warns once and builds locally; push and pull exit 1 saying so', async () => {
    const { freePort } = await import('./nginx.ts');
    const nobody = `http://127.0.0.1:${await freePort()}/x`;
    const fresh = cloneOf(built);
    const repro = grokpipe(fresh, { GROKPIPE_REMOTE: nobody }, 'repro');
    expect(repro.code, repro.out + repro.err).toBe(0);
    expect(repro.err).toContain('ran 4, restored 0');
    expect(repro.err.match(/is not usable/g)?.length).toBe(1);
    expect(repro.err).toContain(`the remote store ${nobody} is not usable`);
    // push from the clone that built; pull into one that has nothing yet (a pull finds the rest local).
    for (const [verb, repo] of [['push', fresh], ['pull', cloneOf(built)]] as const) {
      const r = grokpipe(repo, { GROKPIPE_REMOTE: nobody }, verb);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`error: the remote store did not answer`);
      expect(r.err).toContain('the connection was refused (ECONNREFUSED): is the server up?');
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  test('verify --remote audits: pulls and restores everything, rebuilds a seeded sample across stages, checks the claims; a corrupt object fails it', () => {
    const remote = `${nginx.url}/audit`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const first = cloneOf(built);
    const r = grokpipe(first, {}, 'verify', '--remote', remote, '--sample', '2', '--seed', 'reader-1');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`audit of profile default against ${remote}; seed reader-1 (grokpipe verify --remote ${remote} --sample 2 --seed reader-1 repeats the sample)`);
    expect(r.out).toContain('restored: 4 of 4 locked instances (fetched 4, already here 0), every output checked against grokpipe.lock');
    // Two instances from the two stages, a and b: the sample goes round the stages.
    expect(r.out).toContain('rebuilt: 2 instances from 2 stages in a scratch folder, compared with the lock');
    const rebuilt = (out: string) => [...out.matchAll(/^PASS {2}(\S+)/gm)].map((m) => m[1]);
    expect(rebuilt(r.out)).toContain('b');
    expect(r.out).toMatch(/^second_n\s.*PASS$/m);
    expect(r.out).toMatch(/\naudit: restored 4\/4, rebuilt 2\/2 identical to the lock, claims 1 passed \(0 of other profiles\): PASS in \S+\n$/);
    expect(first.read('grokpipe.lock')).toBe(built.read('grokpipe.lock'));
    // The same seed, the same sample, in another clone.
    const again = grokpipe(cloneOf(built), {}, 'verify', '--remote', remote, '--sample', '2', '--seed', 'reader-1');
    expect(rebuilt(again.out)).toEqual(rebuilt(r.out));

    const budget = grokpipe(cloneOf(built), {}, 'verify', '--remote', remote, '--sample', '2', '--budget', '1ms');
    expect(budget.code).toBe(1);
    expect(budget.out).toMatch(/left out by --budget 1ms: a\[n=1\] \(\S+\), a\[n=2\] \(\S+\), a\[n=3\] \(\S+\), b \(\S+\)/);
    expect(budget.out).toMatch(/audit: restored 4\/4, rebuilt 0\/0 identical to the lock, claims 1 passed \(0 of other profiles\): FAIL/);

    const lock = JSON.parse(built.read('grokpipe.lock')) as { profiles: Record<string, Record<string, { outputs: Record<string, string> }>> };
    writeFileSync(join(nginx.data, 'audit', 'cas', lock.profiles.default!['a[n=3]']!.outputs['out.json']!), 'tampered');
    const bad = grokpipe(cloneOf(built), {}, 'verify', '--remote', remote, '--sample', '1');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^ {4}not restored: a\[n=3\]: object [0-9a-f]{12}… \(out\.json of a\[n=3\]\) is corrupt on the remote/m);
    expect(bad.out).toMatch(/audit: restored 3\/4, .*: FAIL/);
  });

  test('verify --remote on a clone whose code moved a key: nothing is restored into artifacts/, the audit names the instances and what moved, and fails', () => {
    const remote = `${nginx.url}/audit-drift`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const edited = cloneOf(built);
    edited.write('stages/s.ts', `${edited.read('stages/s.ts')}\n// an edit: every instance of stage s now has another key\n`);
    const lockBefore = edited.read('grokpipe.lock');
    const r = grokpipe(edited, {}, 'verify', '--remote', remote, '--sample', '1', '--seed', 'drift');
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain('not restored: repro --frozen: 4 instances of profile default would change grokpipe.lock, and the lock may not change:');
    expect(r.out).toMatch(/not restored: a\[n=1\]: the lock has key [0-9a-f]{12}, the code now gives [0-9a-f]{12} \(.*stages\/s\.ts/);
    expect(r.out).toMatch(/\naudit: restored 0\/4, .*: FAIL in \S+\n$/);
    expect(edited.read('grokpipe.lock')).toBe(lockBefore);
    expect(existsSync(join(edited.dir, 'artifacts', 'a[n=1]'))).toBe(false);
  });

  test('verify --lock reads through: the upstream results a fresh clone lacks come from the remote, verified', () => {
    const remote = `${nginx.url}/verify-lock`;
    expect(grokpipe(built, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const fresh = cloneOf(built);
    const alone = grokpipe(fresh, { GROKPIPE_REMOTE: remote }, 'verify', '--lock', 'b', '--no-remote');
    expect(alone.code).toBe(1);
    expect(alone.out).toContain('cannot get the locked outputs of a[n=1]');
    const through = grokpipe(fresh, { GROKPIPE_REMOTE: remote }, 'verify', '--lock', 'b');
    expect(through.code, through.out + through.err).toBe(0);
    expect(through.out).toContain('1 identical to the lock, 0 differ or failed');
    expect(unsoundObjects(localStore(fresh))).toEqual([]);
  });

  test('a remote that is not a URL is refused before anything is read or written, exit 2', () => {
    const fresh = cloneOf(built);
    for (const [bad, why] of [['not a url', 'it does not parse as a URL'], ['ftp://host/store', 'its scheme is ftp']] as const) {
      const r = grokpipe(fresh, { GROKPIPE_REMOTE: bad }, 'pull');
      expect(r.code).toBe(2);
      expect(r.err).toContain(`error: the remote store named by GROKPIPE_REMOTE is not a URL: ${why}`);
    }
    const r = grokpipe(fresh, {}, 'pull', '--remote', 'http://user:hunter2@[bad');
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('hunter2');
    expect(existsSync(join(fresh.dir, '.grokpipe', 'store'))).toBe(false);
  });
});
