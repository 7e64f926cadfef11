/**
 * The store folder itself. Findings: a `.grokpipe/store` that is a symlink to a store other checkouts
 * share was not seen as shared, so `gc` would remove their results; a store that cannot be written
 * (a read-only mount) failed with a message naming a scratch file, or crashed as an internal error.
 * Class: the store's place is compared by real path; a failed store write names the store and the cause.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

const shared = mkdtempSync(join(tmpdir(), 'gp-shared-store-'));
afterAll(() => {
  removeRepos();
  rmSync(shared, { recursive: true, force: true });
});

const PIPELINE = (word: string) => `version: 1\nstages:\n  s:\n    cmd: [sh, -c, 'echo ${word} > "$0/o.txt"', "\${out}"]\n`;

describe('a store reached through a symlink', () => {
  test('gc refuses a .grokpipe/store that links to a shared store, and removes nothing from it', async () => {
    const other = makeRepo({ 'pipeline.yaml': PIPELINE('theirs') });
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE('mine') });
    for (const r of [other, repo]) {
      mkdirSync(join(r.dir, '.grokpipe'), { recursive: true });
      symlinkSync(shared, join(r.dir, '.grokpipe/store'), 'dir');
      expect((await cli(r, 'repro')).code).toBe(0);
    }
    const before = readdirSync(join(shared, 'keys')).sort();
    expect(before).toHaveLength(2);
    const state = snapshot(repo);
    for (const verb of [['gc'], ['gc', '-n']]) {
      const r = await cli(repo, ...verb);
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toContain('gc will not clean a shared store');
      expect(r.err).toContain(`really ${shared}`);
    }
    expect(readdirSync(join(shared, 'keys')).sort()).toEqual(before);
    expect(snapshot(repo)).toEqual(state);
  });

  test('the repository\'s own store, not linked, is still cleaned by gc', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE('a') });
    expect((await cli(repo, 'repro')).code).toBe(0);
    repo.write('pipeline.yaml', PIPELINE('b'));
    expect((await cli(repo, 'repro')).code).toBe(0);
    const r = await cli(repo, 'gc');
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(repo.dir, '.grokpipe/store/keys'))).toHaveLength(1);
  });
});

// A read-only store needs a read-only bind mount, which needs root.
const root = process.getuid?.() === 0;
describe.skipIf(!root)('a store that cannot be written', () => {
  test('repro names the store and says read-only; lock and artifacts stay as they were', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE('one') });
    expect((await cli(repo, 'repro')).code).toBe(0);
    repo.write('pipeline.yaml', PIPELINE('two'));
    const store = join(repo.dir, '.grokpipe/store');
    const before = snapshot(repo);
    execFileSync('mount', ['--bind', store, store]);
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro', store]);
      const r = await cli(repo, 'repro');
      expect(r.code, r.err + r.out).toBe(1);
      expect(r.err + r.out).toContain(`storing the outputs of s failed (EROFS at ${store}): the filesystem is read-only`);
      expect(r.err + r.out).not.toMatch(/\.tmp|internal error/);
    } finally {
      execFileSync('umount', [store]);
    }
    expect(snapshot(repo)).toEqual(before);
  });
});
