/**
 * The run lock under hostile leftovers: an empty or garbage .grokpipe/run.lock (what a full disk or a
 * crash leaves) no longer makes repro and gc wait forever in silence; a live holder is waited for with a
 * message, and SIGTERM ends the wait; a pid that was reused by another process does not hold the lock.
 */
import { spawn } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { BIN, cli, makeRepo, removeRepos, snapshot, type Repo } from '../engine/helpers.ts';

afterAll(removeRepos);

const PIPE = `version: 1
stages:
  s:
    cmd: [sh, -c, "echo hi > \${out}/o.txt"]
`;

function lockPath(repo: Repo): string {
  return join(repo.dir, '.grokpipe', 'run.lock');
}

async function repoWithLock(content: string | Buffer, ageSeconds: number): Promise<Repo> {
  const repo = makeRepo({ 'pipeline.yaml': PIPE });
  repo.write('.grokpipe/run.lock', '');
  writeFileSync(lockPath(repo), content);
  if (ageSeconds) {
    const t = Date.now() / 1000 - ageSeconds;
    utimesSync(lockPath(repo), t, t);
  }
  return repo;
}

describe('run lock', () => {
  test('an empty run.lock left by a crash: repro takes it over with a warning and completes', async () => {
    const repo = await repoWithLock('', 60);
    const t0 = performance.now();
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: removed a stale .grokpipe/run.lock: it held an empty file, as a crash or a full disk can leave it');
    expect(r.err).toMatch(/✓ ran\s+s/);
    expect(performance.now() - t0).toBeLessThan(10000);
    expect(existsSync(lockPath(repo))).toBe(false);
  });

  test('class: a freshly written garbage lock (NUL bytes of a full disk) is stale after a moment, not never', async () => {
    const repo = await repoWithLock(Buffer.alloc(4096), 0);
    const t0 = performance.now();
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(r.err).toContain('it held 4096 zero bytes');
    expect(performance.now() - t0).toBeLessThan(10000);
  });

  test('class: gc with a garbage lock says so and proceeds', async () => {
    const repo = await repoWithLock('{"pid":', 60);
    const r = await cli(repo, 'gc');
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: removed a stale .grokpipe/run.lock: it held 7 bytes that are not a run lock');
    expect(existsSync(lockPath(repo))).toBe(false);
  });

  test('class: a live pid that started after the lock was written (a reused pid) does not hold it', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      // The pid is alive, but its start time is not the one the lock recorded.
      const repo = await repoWithLock(JSON.stringify({ pid: other.pid, command: 'grokpipe repro', start: 1 }), 0);
      const r = await cli(repo, 'repro');
      expect(r.code).toBe(0);
      expect(r.err).toContain(`removed a stale .grokpipe/run.lock of pid ${other.pid}: that pid now belongs to another process`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  test('a live holder: --wait says whom it waits for, and SIGTERM ends the wait at once (exit 130), leaving the holder\'s lock', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const content = JSON.stringify({ pid: holder.pid, command: 'grokpipe repro (the other one)' });
      const repo = await repoWithLock(content, 0);
      const before = snapshot(repo);
      const child = spawn(process.execPath, [BIN, 'repro', '--wait'], { cwd: repo.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (c) => (out += c));
      child.stderr!.on('data', (c) => (err += c));
      const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
      const until = performance.now() + 20000;
      while (!err.includes('waiting for grokpipe pid') && performance.now() < until) await sleep(25);
      expect(err).toContain(`warning: waiting for grokpipe pid ${holder.pid} to finish`);
      const t0 = performance.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(130);
      expect(performance.now() - t0).toBeLessThan(10000);
      expect(err).toContain('interrupted while waiting for the run lock; nothing was done');
      expect(err).not.toMatch(/\n\s+at /);
      expect(out).toBe(''); // progress and warnings go to stderr
      expect(readFileSync(lockPath(repo), 'utf8')).toBe(content);
      expect(snapshot(repo)).toEqual(before);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30000);
});
