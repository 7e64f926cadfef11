/**
 * The remote store when things go wrong, against the real nginx (nginx.ts), with a fault-injecting proxy
 * in front of it where the fault is the server's: nginx stopped in the middle of a pull and of a push,
 * 500 and 503 (given up after the retries, and survived when they pass), 401 and 403, a truncated body,
 * a body of other content, a server that never answers, the local disk full during a pull. Each: a clear
 * message, the exit code, no secret printed, and no local object that does not hash to its name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canMount, makeRepo, removeRepos, type Repo } from '../engine/helpers.ts';
import { BASIC_PASSWORD, BASIC_USER, faultProxy, startNginx, TOKEN, type Fault, type Nginx } from './nginx.ts';
import { cloneOf, countObjects, grokpipe, grokpipeAsync, localStore, STUDY, unsoundObjects } from './remote-fixture.ts';

let nginx: Nginx;
let built: Repo;
beforeAll(async () => {
  nginx = await startNginx();
  built = makeRepo(STUDY);
  expect(grokpipe(built, {}, 'repro').code).toBe(0);
  expect(grokpipe(built, { GROKPIPE_REMOTE: `${nginx.url}/study` }, 'push').code).toBe(0);
});
afterAll(async () => {
  await nginx?.remove();
  removeRepos();
});

/** A pull into a fresh clone through a proxy that applies `decide`; the clone is returned for checks. */
async function pullThrough(decide: (method: string, path: string, n: number) => Fault, env: Record<string, string> = {}) {
  const proxy = await faultProxy(nginx.port, decide);
  try {
    const clone = cloneOf(built);
    const r = await grokpipeAsync(clone, { GROKPIPE_REMOTE: `${proxy.url}/study`, ...env }, 'pull');
    expect(unsoundObjects(localStore(clone))).toEqual([]);
    return { r, clone, seen: proxy.seen };
  } finally {
    await proxy.close();
  }
}

const objectGets = (path: string) => path.includes('/cas/');

describe('the server answers badly', () => {
  test.each([500, 503])('%i on every object: retried, then the pull exits 1 with the answer', async (status) => {
    const { r, clone, seen } = await pullThrough((m, p) => (objectGets(p) ? { kind: 'status', status } : { kind: 'pass' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`error: the remote store did not answer GET http://127\\.0\\.0\\.1:\\d+/study/cas/[0-9a-f]{64}\\n   = expected: an answer from the server\\n   = found: ${status} (Internal Server Error|Service Unavailable) \\(3 tries`));
    // Each object was tried three times (GROKPIPE_REMOTE_RETRIES=2), and none was stored.
    expect(seen.filter(objectGets).length % 3).toBe(0);
    expect(countObjects(localStore(clone))).toBe(0);
    expect(existsSync(join(localStore(clone), 'keys')) ? readdirSync(join(localStore(clone), 'keys')) : []).toEqual([]);
  });

  test('503 twice, then the answer: the retries carry the pull through', async () => {
    const tries = new Map<string, number>();
    const { r } = await pullThrough((m, p) => {
      const n = (tries.get(p) ?? 0) + 1;
      tries.set(p, n);
      return n <= 2 ? { kind: 'status', status: 503 } : { kind: 'pass' };
    });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/fetched 4/);
  });

  test('a truncated body is retried, then refused; nothing of it is stored', async () => {
    const { r, clone } = await pullThrough((m, p) => (objectGets(p) ? { kind: 'truncate' } : { kind: 'pass' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/= found: (a truncated answer: \d+ of \d+ bytes|the connection closed in the middle of the answer|the connection was reset \(ECONNRESET\)) \(3 tries/);
    expect(countObjects(localStore(clone))).toBe(0);
  });

  test('a body of other content: the hash mismatch is reported and nothing of it is stored', async () => {
    const { r, clone } = await pullThrough((m, p) => (objectGets(p) ? { kind: 'other-bytes' } : { kind: 'pass' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refused {2}a\[n=1\]: object [0-9a-f]{12}… \(out\.json of a\[n=1\]\) is corrupt on the remote http:\/\/127\.0\.0\.1:\d+\/study: expected sha256 [0-9a-f]{64}, received [0-9a-f]{64}; it was not stored/);
    expect(r.out).toMatch(/fetched 0, already here 0, not on the remote 0, refused 4/);
    expect(countObjects(localStore(clone))).toBe(0);
  });

  test('a server that never answers: a timeout (GROKPIPE_REMOTE_TIMEOUT), exit 1, in about the time asked', async () => {
    const t0 = performance.now();
    const { r } = await pullThrough(() => ({ kind: 'hang' }), { GROKPIPE_REMOTE_TIMEOUT: '300ms', GROKPIPE_REMOTE_RETRIES: '1' });
    const s = (performance.now() - t0) / 1000;
    expect(r.code).toBe(1);
    expect(r.err).toContain('= found: no answer within 300 ms (timeout) (2 tries');
    expect(s).toBeLessThan(15);
  });
});

describe('credentials', () => {
  test('401 without the token, 403 where it is forbidden: exit 1 with the answer and what to check; the token is never printed', async () => {
    const remote = `${nginx.url}/private/study`;
    const wrong = 'wrong-token-never-printed-31c2';
    const noToken = grokpipe(built, { GROKPIPE_REMOTE: remote, GROKPIPE_REMOTE_TOKEN: wrong }, 'push');
    expect(noToken.code).toBe(1);
    expect(noToken.err).toContain(`error: the remote store refused HEAD ${remote}/ac/`);
    expect(noToken.err).toContain('= found: 401 Unauthorized');
    expect(noToken.err).toContain('= hint: check the credentials: a bearer token in GROKPIPE_REMOTE_TOKEN');
    expect(noToken.out + noToken.err).not.toContain(wrong);

    const ok = grokpipe(built, { GROKPIPE_REMOTE: remote, GROKPIPE_REMOTE_TOKEN: TOKEN }, 'push');
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out + ok.err).not.toContain(TOKEN);
    const clone = cloneOf(built);
    const pull = grokpipe(clone, { GROKPIPE_REMOTE: remote, GROKPIPE_REMOTE_TOKEN: TOKEN }, 'pull');
    expect(pull.code, pull.out + pull.err).toBe(0);

    const forbidden = grokpipe(built, { GROKPIPE_REMOTE: `${nginx.url}/forbidden/study`, GROKPIPE_REMOTE_TOKEN: TOKEN }, 'push');
    expect(forbidden.code).toBe(1);
    expect(forbidden.err).toContain('= found: 403 Forbidden');
    expect(forbidden.err).toContain('(403: the server knows who you are but does not let you do this)');
    expect(forbidden.out + forbidden.err).not.toContain(TOKEN);
  });

  test('a login from ~/.netrc (NETRC names the file here) is sent as basic authentication, its password never printed', () => {
    const home = mkdtempSync(join(tmpdir(), 'grokpipe-netrc-'));
    const netrc = join(home, '.netrc');
    writeFileSync(netrc, `machine 127.0.0.1 login ${BASIC_USER} password ${BASIC_PASSWORD}\n`, { mode: 0o600 });
    const remote = `${nginx.url}/basic/study`;
    const ok = grokpipe(built, { GROKPIPE_REMOTE: remote, NETRC: netrc }, 'push');
    expect(ok.code, ok.out + ok.err).toBe(0);
    writeFileSync(netrc, `machine 127.0.0.1 login ${BASIC_USER} password not-${BASIC_PASSWORD}\n`);
    const bad = grokpipe(cloneOf(built), { GROKPIPE_REMOTE: remote, NETRC: netrc }, 'pull');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('401 Unauthorized');
    expect(bad.out + bad.err).not.toContain(BASIC_PASSWORD);
  });
});

describe('the server stops in the middle', () => {
  test('of a pull: exit 1, what arrived is verified and kept, and the same command resumes once it is back', async () => {
    let stopping: Promise<void> | null = null as Promise<void> | null;
    const { r, clone } = await pullThrough((m, p, n) => {
      // From the third request on, nginx is gone: it is stopped, and what was on its way gets no answer.
      if (n < 3) return { kind: 'pass' };
      stopping ??= nginx.stop();
      return { kind: 'drop' };
    });
    await stopping;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: the remote store did not answer (GET|HEAD)/);
    await nginx.start();
    const again = grokpipe(clone, { GROKPIPE_REMOTE: `${nginx.url}/study` }, 'pull');
    expect(again.code, again.out + again.err).toBe(0);
    expect(again.out).toMatch(/fetched [1-4], already here [0-3]/);
    expect(unsoundObjects(localStore(clone))).toEqual([]);
    const repro = grokpipe(clone, {}, 'repro');
    expect(repro.err).toContain('ran 0, restored 4');
  });

  test('of a push: exit 1, no record on the server names an object it lacks, and the same command resumes', async () => {
    let stopping: Promise<void> | null = null;
    let restarted = false;
    let down = false;
    const proxy = await faultProxy(nginx.port, (m, p, n) => {
      if (n >= 4 && !down) {
        down = true;
        stopping = nginx.stop();
      }
      return down && !restarted ? { kind: 'drop' } : { kind: 'pass' };
    });
    const remote = `${proxy.url}/stopped-push`;
    const r = await grokpipeAsync(built, { GROKPIPE_REMOTE: remote }, 'push');
    await stopping;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: the remote store did not answer (PUT|HEAD)/);
    const serverSound = () => {
      const base = join(nginx.data, 'stopped-push');
      for (const k of existsSync(join(base, 'ac')) ? readdirSync(join(base, 'ac')) : []) {
        const rec = JSON.parse(readFileSync(join(base, 'ac', k), 'utf8')) as { outputs: Record<string, string> };
        for (const sha of Object.values(rec.outputs)) expect(existsSync(join(base, 'cas', sha)), `${k} names ${sha}`).toBe(true);
      }
    };
    serverSound();
    await nginx.start();
    restarted = true;
    const again = await grokpipeAsync(built, { GROKPIPE_REMOTE: remote }, 'push');
    await proxy.close();
    expect(again.code, again.out + again.err).toBe(0);
    expect(again.out).toMatch(/sent [1-4], already on the remote [0-3]/);
    serverSound();
    const clone = cloneOf(built);
    expect(grokpipe(clone, { GROKPIPE_REMOTE: `${nginx.url}/stopped-push` }, 'pull').code).toBe(0);
  });
});

const canMountTmpfs = () => canMount((probe) => ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);

// As test/hostile/fs-disk-full.test.ts: a real full disk needs a small tmpfs, and mounting one needs root.
describe.skipIf(!canMountTmpfs())('the local disk fills during a pull (a small tmpfs as GROKPIPE_STORE)', () => {
  test('exit 1 naming the full disk; no partial object stays; a pull with room resumes', async () => {
    const big = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  big:\n    cmd: [sh, -c, "head -c 400000 /dev/urandom > ${out}/big.bin"]\n  small:\n    cmd: [sh, -c, "echo small > ${out}/s.txt"]\n' });
    expect(grokpipe(big, {}, 'repro').code).toBe(0);
    const remote = `${nginx.url}/disk-full`;
    expect(grokpipe(big, { GROKPIPE_REMOTE: remote }, 'push').code).toBe(0);
    const clone = makeRepo({ 'pipeline.yaml': big.read('pipeline.yaml'), 'grokpipe.lock': big.read('grokpipe.lock') });
    const store = mkdtempSync(join(tmpdir(), 'grokpipe-full-store-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', store]);
    try {
      const r = grokpipe(clone, { GROKPIPE_REMOTE: remote, GROKPIPE_STORE: store }, 'pull');
      expect(r.code).toBe(1);
      expect(r.err).toContain('no space left on device');
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(unsoundObjects(store)).toEqual([]);
      expect(existsSync(join(store, 'keys')) ? readdirSync(join(store, 'keys')).length : 0).toBeLessThanOrEqual(1);
    } finally {
      execFileSync('umount', [store]);
      rmdirSync(store);
    }
    const room = grokpipe(clone, { GROKPIPE_REMOTE: remote }, 'pull');
    expect(room.code, room.out + room.err).toBe(0);
    expect(unsoundObjects(localStore(clone))).toEqual([]);
  });
});
