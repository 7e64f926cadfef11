/**
 * The store is read like any file from outside: a symlink, a stray file or a renamed record in it
 * never leads the engine outside the repository, never crashes it, and never passes for an output.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, ranIn, removeRepos, restoredIn, type Repo } from '../engine/helpers.ts';
import { builtRepo, readLockJson, store } from './lock-store-fixture.ts';

let repo: Repo;
const outside = join(tmpdir(), `grokpipe-hostile-store-${process.pid}`);

beforeAll(async () => {
  repo = await builtRepo();
  writeFileSync(outside, 'a file outside the repository\n');
});
afterAll(() => {
  rmSync(outside, { force: true });
  removeRepos();
});

describe('symlinks and strays in the store', () => {
  test('an object replaced by a symlink to a file outside is caught by its hash, set aside, and rebuilt; the outside file is untouched', async () => {
    const s = store(repo);
    const sha = readLockJson(repo).profiles.quick!['gen[k=1]']!.outputs['out.json']!;
    rmSync(s.objectPath(sha));
    symlinkSync(outside, s.objectPath(sha));
    rmSync(join(repo.dir, 'artifacts', 'gen[k=1]'), { recursive: true });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(r.err + r.out).toMatch(/store object .* is corrupt/);
    expect(ranIn(r.err)).toEqual(['gen[k=1]']);
    expect(readFileSync(outside, 'utf8')).toBe('a file outside the repository\n');
    expect(readFileSync(s.objectPath(sha), 'utf8')).toBe(JSON.stringify({ value: 1 }));
  });
  test('stray files and folders in objects/ and keys/ are not objects: gc skips them without crashing', async () => {
    const base = join(repo.dir, '.grokpipe', 'store');
    writeFileSync(join(base, 'objects', 'README'), 'not an object');
    mkdirSync(join(base, 'objects', 'zz'), { recursive: true });
    writeFileSync(join(base, 'objects', 'zz', 'junk'), 'x');
    writeFileSync(join(base, 'keys', '..evil.json'), '{}');
    const r = await cli(repo, 'gc');
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(base, 'objects', 'README'))).toBe(true);
    expect(store(repo).listObjects().every((o) => /^[0-9a-f]{64}$/.test(o))).toBe(true);
    const again = await cli(repo, 'repro');
    expect(again.code).toBe(0);
    expect(ranIn(again.err)).toEqual([]);
  });
  test('a run record that is a symlink to another key\'s record is not trusted', async () => {
    const lock = readLockJson(repo).profiles.quick!;
    const keys = join(repo.dir, '.grokpipe', 'store', 'keys');
    rmSync(join(keys, `${lock['sum']!.key}.json`));
    symlinkSync(join(keys, `${lock['gen[k=1]']!.key}.json`), join(keys, `${lock['sum']!.key}.json`));
    rmSync(join(repo.dir, 'artifacts', 'sum'), { recursive: true });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(restoredIn(r.err)).toEqual([]);
    expect(ranIn(r.err)).toEqual(['sum']);
    expect(JSON.parse(repo.read('artifacts/sum/sum.json'))).toEqual({ total: 3 });
  });
});
