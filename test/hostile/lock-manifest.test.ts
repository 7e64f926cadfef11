/**
 * A manifest is a claim about a folder, not proof. Finding: a manifest whose output hash was edited
 * together with the file was trusted as up to date and copied into grokpipe.lock. Now the manifest must
 * agree with the store's run record for its key (or, with no record, e.g. in a fresh clone, with the
 * lock's entry for that key); otherwise the folder is restored or rebuilt. Class: a manifest of another
 * instance, with unsafe names, a planted run record (another key's, or with a traversal name).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256 } from '../../src/engine/sha256.ts';
import { cli, ranIn, removeRepos, restoredIn, type Repo } from '../engine/helpers.ts';
import { builtRepo, manifestOf, readLockJson, store, writeManifest } from './lock-store-fixture.ts';

let repo: Repo;
let lock: string;
const outside = join(tmpdir(), `grokpipe-hostile-manifest-${process.pid}`);

beforeAll(async () => {
  repo = await builtRepo();
  lock = repo.read('grokpipe.lock');
});
afterAll(() => {
  rmSync(outside, { force: true });
  removeRepos();
});

/** Replaces gen[k=1]'s out.json and its manifest hash together, as a careful forger would. */
function forge(): string {
  const forged = JSON.stringify({ value: 1000 });
  repo.write('artifacts/gen[k=1]/out.json', forged);
  const m = manifestOf(repo, 'gen[k=1]');
  m.outputs['out.json'] = sha256(forged);
  writeManifest(repo, 'gen[k=1]', m);
  return forged;
}

describe('a forged artifact with a matching manifest', () => {
  test('status does not call it up to date; repro restores the real bytes; the lock is unchanged', async () => {
    forge();
    const st = await cli(repo, 'status');
    expect(st.out).toMatch(/^restorable\s+gen\[k=1\]: its folder was modified or is incomplete/m);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(restoredIn(r.err)).toEqual(['gen[k=1]']);
    expect(ranIn(r.err)).toEqual([]);
    expect(JSON.parse(repo.read('artifacts/gen[k=1]/out.json'))).toEqual({ value: 1 });
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });
  test('in a fresh clone (no store) the lock vouches: a forged folder is rebuilt, an honest one is up to date', async () => {
    rmSync(join(repo.dir, '.grokpipe'), { recursive: true, force: true });
    forge();
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['gen[k=1]']); // gen[k=2] and sum: the lock has their manifests' outputs
    expect(JSON.parse(repo.read('artifacts/gen[k=1]/out.json'))).toEqual({ value: 1 });
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });
});

describe('the class: manifests and run records that cannot be trusted', () => {
  test("another instance's manifest copied in is ignored: the folder is restored", async () => {
    const other = repo.read('artifacts/gen[k=2]/manifest.json');
    repo.write('artifacts/gen[k=1]/manifest.json', other);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(restoredIn(r.err)).toEqual(['gen[k=1]']);
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });
  test('a manifest naming ../ outputs is ignored, and nothing outside the folder is read or written', async () => {
    const m = manifestOf(repo, 'sum');
    m.outputs = { [`../../../../..${outside}`]: m.outputs['sum.json']! };
    writeManifest(repo, 'sum', m);
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    // not up to date: rebuilt (the fresh-clone case above left no run record for sum to restore from)
    expect([...ranIn(r.err), ...restoredIn(r.err)]).toEqual(['sum']);
    expect(manifestOf(repo, 'sum').outputs).toEqual({ 'sum.json': readLockJson(repo).profiles.quick!['sum']!.outputs['sum.json'] });
    expect(existsSync(outside)).toBe(false);
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });
  test('a planted run record (traversal output name, or another key\'s record) is treated as absent: the instance runs', async () => {
    const key = readLockJson(repo).profiles.quick!['sum']!.key;
    const rec = JSON.parse(repo.read(`.grokpipe/store/keys/${key}.json`));
    rec.outputs = { [`../../../../..${outside}`]: rec.outputs['sum.json'] };
    writeFileSync(join(repo.dir, '.grokpipe/store/keys', `${key}.json`), JSON.stringify(rec));
    rmSync(join(repo.dir, 'artifacts', 'sum'), { recursive: true });
    let r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(ranIn(r.err)).toEqual(['sum']);
    expect(existsSync(outside)).toBe(false);
    // another key's record under this key's name
    const genKey = readLockJson(repo).profiles.quick!['gen[k=1]']!.key;
    mkdirSync(join(repo.dir, '.grokpipe/store/keys'), { recursive: true });
    writeFileSync(join(repo.dir, '.grokpipe/store/keys', `${key}.json`), repo.read(`.grokpipe/store/keys/${genKey}.json`));
    expect(store(repo).readRecord(key)).toBeNull();
    rmSync(join(repo.dir, 'artifacts', 'sum'), { recursive: true });
    r = await cli(repo, 'repro');
    expect(ranIn(r.err)).toEqual(['sum']);
    expect(JSON.parse(repo.read('artifacts/sum/sum.json'))).toEqual({ total: 3 });
    expect(repo.read('grokpipe.lock')).toBe(lock);
  });
});
