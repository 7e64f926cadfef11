/**
 * Installing a stage's outputs must never change a file the stage did not create there. Finding: a cmd
 * stage that hard-links a file into its output folder (`ln /some/secret "$out/k.txt"`) got that file
 * chmod'ed to 0644 with the rest: a 0600 secret became world-readable, a repository script lost its
 * execute bit. Class: an output with other links is replaced by a copy before its mode is set; the other
 * links keep their inode, mode and bytes.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos } from '../engine/helpers.ts';

const outside = mkdtempSync(join(tmpdir(), 'gp-secret-'));
afterAll(() => {
  removeRepos();
  rmSync(outside, { recursive: true, force: true });
});

describe('hard-linked outputs', () => {
  test('a 0600 file outside and a 0755 repository script, hard-linked into $out, keep their modes; the outputs are copies', async () => {
    const secret = join(outside, 'secret');
    writeFileSync(secret, 'token\n');
    chmodSync(secret, 0o600);
    const repo = makeRepo({
      'pipeline.yaml': `version: 1
stages:
  leak:
    cmd: [sh, -c, 'ln "$1" "$0/k.txt" && ln run.sh "$0/s.sh"', "\${out}", "${secret}"]
    code: [run.sh]
`,
      'run.sh': '#!/bin/sh\necho hi\n',
    });
    chmodSync(join(repo.dir, 'run.sh'), 0o755);
    const before = { secret: statSync(secret), script: statSync(join(repo.dir, 'run.sh')) };
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    const after = { secret: statSync(secret), script: statSync(join(repo.dir, 'run.sh')) };
    expect(after.secret.mode & 0o777).toBe(0o600);
    expect(after.script.mode & 0o777).toBe(0o755);
    expect(after.secret.ino).toBe(before.secret.ino);
    expect(after.secret.nlink).toBe(1);
    expect(after.script.nlink).toBe(1);
    const k = statSync(join(repo.dir, 'artifacts/leak/k.txt'));
    expect(k.ino).not.toBe(after.secret.ino);
    expect(k.mode & 0o777).toBe(0o644);
    expect(repo.read('artifacts/leak/k.txt')).toBe('token\n');
    expect(repo.read('run.sh')).toBe('#!/bin/sh\necho hi\n');
  });
});
