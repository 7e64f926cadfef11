/**
 * GROKPIPE_STORE: one store shared by several checkouts (a CI cache, a cluster's shared disk). A second
 * checkout restores what the first built, verify --lock rebuilds a sample against it, and gc, which
 * removes whatever its own repository does not reference, refuses to clean it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BIN, jsonStage, makeRepo, removeRepos, type Repo } from './helpers.ts';

const shared: string[] = [];
afterAll(() => {
  removeRepos();
  for (const d of shared) rmSync(d, { recursive: true, force: true });
});

const FILES = {
  'pipeline.yaml': 'version: 1\nstages:\n  a:\n    uses: stages/s.ts\n    matrix: { n: [1, 2, 3] }\n  b:\n    uses: stages/s.ts\n    deps: { up: a }\n',
  'stages/s.ts': jsonStage(),
};

function run(repo: Repo, store: string | undefined, ...argv: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete env.GROKPIPE_STORE;
  if (store !== undefined) env.GROKPIPE_STORE = store;
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: repo.dir, encoding: 'utf8', env });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function objects(dir: string): string[] {
  const root = join(dir, 'objects');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => d + f)).sort();
}

describe('GROKPIPE_STORE', () => {
  test("a second checkout restores the first one's results from the shared store and verify --lock rebuilds against it", () => {
    const store = mkdtempSync(join(tmpdir(), 'grokpipe-shared-store-'));
    shared.push(store);
    const one = makeRepo(FILES);
    const two = makeRepo(FILES);
    const first = run(one, store, 'repro');
    expect(first.code, first.out + first.err).toBe(0);
    expect(first.err).toMatch(/ran [1-9]/);
    expect(objects(store).length).toBeGreaterThan(0);
    expect(existsSync(join(one.dir, '.grokpipe/store'))).toBe(false);

    const second = run(two, store, 'repro');
    expect(second.code, second.out + second.err).toBe(0);
    expect(second.err).toContain('ran 0, restored 4, up to date 0');
    expect(two.read('grokpipe.lock')).toBe(one.read('grokpipe.lock'));
    expect(two.read('artifacts/b/out.json')).toBe(one.read('artifacts/b/out.json'));

    rmSync(join(two.dir, 'artifacts'), { recursive: true });
    const verify = run(two, store, 'verify', '--lock', '--sample', '2');
    expect(verify.code, verify.out + verify.err).toBe(0);
    expect(verify.out).toMatch(/2 identical to the lock/);
    // Without the shared store, the same clean checkout has nothing to rebuild its sample from.
    const alone = run(two, undefined, 'verify', '--lock', '--sample', '4');
    expect(alone.code).not.toBe(0);
  });

  test('a relative GROKPIPE_STORE is taken from the repository root, whatever the current folder', () => {
    const repo = makeRepo(FILES);
    const r = spawnSync(process.execPath, [BIN, 'repro', '-C', repo.dir], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, GROKPIPE_STORE: 'results-cache' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(objects(join(repo.dir, 'results-cache')).length).toBeGreaterThan(0);
  });

  test('gc refuses a shared store and removes nothing from it', () => {
    const store = mkdtempSync(join(tmpdir(), 'grokpipe-shared-store-'));
    shared.push(store);
    const repo = makeRepo(FILES);
    expect(run(repo, store, 'repro').code).toBe(0);
    repo.write('pipeline.yaml', FILES['pipeline.yaml'].replace('[1, 2, 3]', '[1]'));
    expect(run(repo, store, 'repro').code).toBe(0);
    // The first build's b is now referenced by nothing in this repository, but may be by another checkout's.
    const before = objects(store);
    const gc = run(repo, store, 'gc');
    expect(gc.code).not.toBe(0);
    expect(gc.err).toContain('gc will not clean a shared store');
    expect(gc.err).toContain('run gc without GROKPIPE_STORE');
    expect(gc.err).not.toMatch(/\n\s+at /);
    expect(objects(store)).toEqual(before);
  });
});
