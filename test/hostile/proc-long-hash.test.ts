/**
 * A long hash must stop on SIGTERM and Ctrl-C. Finding: hashing a large input (here a 200 GB sparse
 * file named in files:, read at the speed of SHA-256) held both signals until it ended, minutes later:
 * the read is synchronous, so the engine's handlers could not run. Class: while a large file is read,
 * the signals end the process at once (nothing is half-written: hashing writes nothing).
 */
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { makeRepo, removeRepos, snapshot, spawnCli } from '../engine/helpers.ts';

afterAll(removeRepos);

describe('a long hash and the stop signals', () => {
  test.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s during the hash of a huge input ends the engine within seconds, nothing written', async (signal, code) => {
    const repo = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  s:\n    cmd: [sh, -c, "wc -c big.bin > \\"$0/n.txt\\"", "${out}"]\n    files: [big.bin]\n' });
    const fd = openSync(join(repo.dir, 'big.bin'), 'w');
    ftruncateSync(fd, 200 * 1024 ** 3);
    closeSync(fd);
    const before = snapshot(repo);
    const child = spawnCli(repo, 'repro');
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (c, s) => resolve({ code: c, signal: s })));
    // Long enough for the engine to have started reading (it plans first), far shorter than the read.
    await new Promise((r) => setTimeout(r, 3000));
    const sent = Date.now();
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    const end = await exited;
    clearTimeout(timer);
    expect(Date.now() - sent, err).toBeLessThan(5000);
    expect(end.code === code || end.signal === signal, JSON.stringify(end)).toBe(true);
    expect(snapshot(repo, ['.grokpipe/store', 'grokpipe.lock', 'artifacts'])).toEqual(before);
  }, 60000);
});
