/**
 * A full disk, for real: the repository lives on a small tmpfs. Storing a large output fails with
 * ENOSPC: the instance fails with what, where and what to do (no stack trace, no "internal error"),
 * its old artifacts and lock entry stay, and with -j 2 the sibling that is still running finishes and is
 * recorded (the engine no longer deletes the scratch folder under it). The same for a stage that itself
 * meets the full disk while writing, and for a full disk at the very start (the run lock, the logs).
 *
 * Mounting a tmpfs needs root; the suite is skipped elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256 } from '../../src/engine/sha256.ts';
import { BIN, canMount } from '../engine/helpers.ts';

const canMountTmpfs = () => canMount((probe) => ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);

const PIPE = (v: number, bigBytes: number) => `version: 1
stages:
  big:
    cmd: [sh, -c, "head -c ${bigBytes} /dev/urandom > \${out}/big.bin; echo ${v} > \${out}/v.txt"]
  small:
    cmd: [sh, -c, "sleep 1.5; echo small ${v} > \${out}/s.txt"]
`;

function hashes(dir: string, paths: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string) => {
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) for (const n of readdirSync(abs).sort()) walk(join(abs, n));
    else out[relative(dir, abs).split(sep).join('/')] = sha256(readFileSync(abs));
  };
  for (const p of paths) walk(join(dir, p));
  return out;
}

describe.skipIf(!canMountTmpfs())('disk full (a small tmpfs)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'grokpipe-full-'));
  });
  afterAll(() => {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch {
      // Not mounted.
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function freshRepo(sizeKb: number): void {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch {
      // Not mounted yet.
    }
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  }

  const grokpipe = (...argv: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('storing a large output meets ENOSPC: a clean failure; the running sibling (-j 2) finishes and is recorded', () => {
    freshRepo(2560);
    writeFileSync(join(dir, 'pipeline.yaml'), PIPE(1, 100_000));
    expect(grokpipe('repro', '-j', '2').code).toBe(0);
    const lockBefore = JSON.parse(readFileSync(join(dir, 'grokpipe.lock'), 'utf8'));
    const bigBefore = hashes(dir, ['artifacts/big']);
    // 1.5 MB fits in the scratch folder but not a second time in the store.
    writeFileSync(join(dir, 'pipeline.yaml'), PIPE(2, 1_500_000));
    const r = grokpipe('repro', '-j', '2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+big: storing the outputs of big failed \(ENOSPC at [^)]+\): no space left on device: free some space \(grokpipe gc removes unreferenced store objects\) and run again; nothing of this run was recorded/);
    expect(r.err).toMatch(/✓ ran\s+small/);
    expect(r.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(r.out + r.err).not.toMatch(/internal error|\n\s+at /);
    // big keeps its old folder and lock entry; small has its new result.
    expect(hashes(dir, ['artifacts/big'])).toEqual(bigBefore);
    const lock = JSON.parse(readFileSync(join(dir, 'grokpipe.lock'), 'utf8'));
    expect(lock.profiles.default.big).toEqual(lockBefore.profiles.default.big);
    expect(readFileSync(join(dir, 'artifacts/small/s.txt'), 'utf8')).toBe('small 2\n');
    // No partial store object and no scratch folder is left to keep the disk full.
    const leftovers = spawnSync('sh', ['-c', 'find .grokpipe -name "*.tmp"; ls .grokpipe/tmp'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
    expect(leftovers).toBe('');
    expect(existsSync(join(dir, '.grokpipe', 'run.lock'))).toBe(false);
  }, 60000);

  test('class: the stage itself meets the full disk while writing: its own error, shown with its output tail', () => {
    freshRepo(512);
    writeFileSync(join(dir, 'pipeline.yaml'), PIPE(1, 2_000_000));
    const r = grokpipe('repro', 'big');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+big: command exited with code 1/);
    expect(r.err).toMatch(/No space left on device/);
    expect(r.out + r.err).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(dir, 'artifacts', 'big'))).toBe(false);
  }, 60000);

  test('class: a disk already full at the start (the run lock cannot be written): what, where, what to do', () => {
    freshRepo(64);
    writeFileSync(join(dir, 'pipeline.yaml'), PIPE(1, 10));
    mkdirSync(join(dir, '.grokpipe'));
    // Fill the filesystem to the last block.
    spawnSync('sh', ['-c', 'head -c 10000000 /dev/zero > filler'], { cwd: dir });
    const r = grokpipe('repro');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: grokpipe repro failed: no space left on device \(ENOSPC\)/);
    expect(r.err).toContain('hint: free some space (grokpipe gc removes unreferenced store objects) and run again');
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(dir, 'grokpipe.lock'))).toBe(false);
  }, 60000);
});
