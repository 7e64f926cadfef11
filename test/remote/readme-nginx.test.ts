/**
 * The README's nginx server block for a remote store ("A remote store, and the audit") is the one tested:
 * taken from the README as written, with only its address, folder and password file put in this test's
 * place, it serves reads to anyone and takes a push only with the login from ~/.netrc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT, removeRepos, makeRepo, type Repo } from '../engine/helpers.ts';
import { startNginx, type Nginx } from './nginx.ts';
import { cloneOf, grokpipe, STUDY } from './remote-fixture.ts';

const README_BLOCK = /```nginx\n([\s\S]*?)```/.exec(readFileSync(join(PROJECT, 'README.md'), 'utf8'))?.[1] ?? '';

let nginx: Nginx;
let built: Repo;
let netrc: string;
beforeAll(async () => {
  expect(README_BLOCK).toContain('dav_methods PUT; create_full_put_path on;');
  nginx = await startNginx({
    server: (port, data, dir) => {
      writeFileSync(join(dir, 'grokpipe.htpasswd'), 'writer:{PLAIN}readme-password-0b7d\n');
      netrc = join(dir, 'netrc');
      writeFileSync(netrc, 'machine 127.0.0.1 login writer password readme-password-0b7d\n');
      const server = README_BLOCK.replace(/listen 443 ssl;/, `listen 127.0.0.1:${port};`).replace('/srv/grokpipe', data).replace('/etc/nginx/grokpipe.htpasswd', join(dir, 'grokpipe.htpasswd'));
      expect(server).toContain(`listen 127.0.0.1:${port};`);
      return server;
    },
  });
  built = makeRepo(STUDY);
  expect(grokpipe(built, {}, 'repro').code).toBe(0);
});
afterAll(async () => {
  await nginx?.remove();
  removeRepos();
});

describe("the README's nginx", () => {
  test('refuses a push without the login, takes it with the login from ~/.netrc, and serves a pull to anyone', () => {
    const denied = grokpipe(built, { GROKPIPE_REMOTE: nginx.url }, 'push');
    expect(denied.code).toBe(1);
    expect(denied.err).toContain('= found: 401 Unauthorized');
    const push = grokpipe(built, { GROKPIPE_REMOTE: nginx.url, NETRC: netrc }, 'push');
    expect(push.code, push.out + push.err).toBe(0);
    expect(push.out).toMatch(/sent 4/);
    expect(push.out + push.err).not.toContain('readme-password-0b7d');
    const clone = cloneOf(built);
    const pull = grokpipe(clone, { GROKPIPE_REMOTE: nginx.url }, 'pull');
    expect(pull.code, pull.out + pull.err).toBe(0);
    expect(grokpipe(clone, {}, 'repro').err).toContain('ran 0, restored 4');
  });
});
