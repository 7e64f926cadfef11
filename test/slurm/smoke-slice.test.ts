/**
 * The repository's own pipeline.yaml under --executor slurm gives the same lock entries (keys and output
 * hashes, byte for byte) as a local run. The whole smoke profile twice (locally and under Slurm) costs
 * about ten minutes on a 2-core machine, more than the test suite can spend, so this runs a slice of it:
 * `mediation[loss=mse,p=23]` and everything upstream (data, the MSE free control, its three cells,
 * the mediation analysis: four stages; with each seed its own instance, 26 instances), in two temporary
 * copies of the repository.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { noSlurm } from './cluster.ts';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COPIED = ['package.json', 'pipeline.yaml', 'pipeline.schema.json', 'claims.yaml', 'published-tables.yaml', 'bin', 'stages', 'src', 'build'];
// build/ is copied, not linked: the code closure refuses a file whose real path leaves the repository.
const LINKED = ['node_modules'];
const TARGET = 'mediation[loss=mse,p=23]';
const dirs: string[] = [];

function copyOfRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'grokpipe-slurm-smoke-'));
  dirs.push(dir);
  for (const f of COPIED) cpSync(join(PROJECT, f), join(dir, f), { recursive: true });
  for (const f of LINKED) symlinkSync(join(PROJECT, f), join(dir, f));
  return dir;
}

function grokpipe(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'grokpipe.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, out: r.stdout + r.stderr };
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(noSlurm !== null)(`the smoke profile under --executor slurm${noSlurm ? ` (skipped: ${noSlurm})` : ''}`, () => {
  test(`${TARGET} and its upstream: the lock section is identical to a local run's`, () => {
    const local = copyOfRepository();
    const slurm = copyOfRepository();
    const a = grokpipe(local, 'repro', '--profile', 'smoke', '-j', '2', TARGET);
    expect(a.code, a.out).toBe(0);
    const b = grokpipe(slurm, 'repro', '--profile', 'smoke', '--executor', 'slurm', TARGET);
    expect(b.code, b.out).toBe(0);
    // Every instance really ran as a Slurm job (its state was reported), none was restored.
    expect(b.out).toMatch(/RUNNING job \d+/);
    const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'grokpipe.lock'), 'utf8')).profiles.smoke;
    const [x, y] = [lockOf(local), lockOf(slurm)];
    expect(b.out).toContain(`ran ${Object.keys(x).length}, restored 0`);
    expect(Object.keys(y).length).toBeGreaterThan(6); // the seed shards, barriers and merges of the training stages
    expect(y).toEqual(x);
  }, 600_000);
});
