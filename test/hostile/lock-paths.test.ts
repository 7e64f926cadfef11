/**
 * Names read from grokpipe.lock are checked like declared outputs before anything joins them onto a
 * path. Finding: `verify --lock` with a lock entry output named `../../../../tmp/x` wrote outside the
 * repository. Class: every unsafe name (absolute, "..", backslash, NUL and other controls, "." or empty
 * segments, over-long), in an output name, an instance name or a hash, for every verb that reads the
 * lock. Each is refused with exit 2, names the entry with grokpipe.lock:line:col, and changes nothing.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keyOf } from '../../src/engine/keys/instance-key.ts';
import { cli, removeRepos, type Repo } from '../engine/helpers.ts';
import { builtRepo, readLockJson, state, type Lock } from './lock-store-fixture.ts';

let repo: Repo;
let original: string;
const target = `grokpipe-hostile-${process.pid}`;

beforeAll(async () => {
  repo = await builtRepo();
  original = repo.read('grokpipe.lock');
});
afterAll(() => {
  rmSync(join(tmpdir(), target), { recursive: true, force: true });
  removeRepos();
});

/** The lock with gen[k=1]'s out.json renamed (or its entry edited) by `edit`. */
function hostileLock(edit: (lock: Lock) => void): string {
  const lock = JSON.parse(original) as Lock;
  edit(lock);
  return JSON.stringify(lock, null, 2) + '\n';
}

function renameOutput(to: string) {
  return (lock: Lock) => {
    const e = lock.profiles.quick!['gen[k=1]']!;
    e.outputs = { [to]: e.outputs['out.json']! };
  };
}

async function refused(lockText: string, verb: string[], entry: RegExp) {
  repo.write('grokpipe.lock', lockText);
  const before = state(repo);
  const r = await cli(repo, ...verb);
  expect(r.code, r.err + r.out).toBe(2);
  expect(r.err).toMatch(/--> grokpipe\.lock:\d+:\d+/);
  expect(r.err).toMatch(entry);
  expect(r.err).not.toMatch(/TypeError|internal error|\n\s+at /);
  expect(state(repo)).toEqual(before);
  expect(existsSync(join(tmpdir(), target))).toBe(false);
  repo.write('grokpipe.lock', original);
}

describe('a traversal name in grokpipe.lock', () => {
  test('verify --lock refuses an output named ../../../../tmp/x: exit 2, the entry named, nothing written', async () => {
    // The finding as an attacker builds it: gen[k=1]'s output renamed to a path out of the scratch folder,
    // and sum's key recomputed to match (its components are in the store), so that verify --lock reaches
    // the point where it copies gen[k=1]'s locked outputs into a scratch folder for sum to read.
    const evil = `${'../'.repeat(repo.dir.split('/').length + 6)}${tmpdir().slice(1)}/${target}`;
    const forged = hostileLock((lock) => {
      renameOutput(evil)(lock);
      const sum = lock.profiles.quick!['sum']!;
      const rec = JSON.parse(repo.read(`.grokpipe/store/keys/${sum.key}.json`));
      const inputs = { ...rec.components.inputs };
      inputs[`g/gen[k=1]/${evil}`] = inputs['g/gen[k=1]/out.json'];
      delete inputs['g/gen[k=1]/out.json'];
      sum.key = keyOf({ ...rec.components, inputs });
    });
    await refused(forged, ['verify', '--lock'], /entry `gen\[k=1\]` names the output ".*grokpipe-hostile-\d+", which is not a safe file name: it has a "\.\." segment/);
    // the scratch folder verify would have made is not there either
    expect(existsSync(join(repo.dir, '.grokpipe')) ? readdirSync(join(repo.dir, '.grokpipe')).filter((n) => n.startsWith('verify-')) : []).toEqual([]);
  });
  for (const verb of [['repro'], ['status'], ['gc'], ['verify']]) {
    test(`${verb.join(' ')} refuses it too`, async () => {
      await refused(hostileLock(renameOutput(`../../../../tmp/${target}`)), verb, /names the output "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/grokpipe-hostile-\d+"/);
    });
  }
});

describe('the class: every unsafe name, wherever the lock holds one', () => {
  const outputs: Array<[string, string, RegExp]> = [
    ['an absolute output name', `/tmp/${target}`, /it is absolute/],
    ['a backslash', `..\\..\\${target}`, /backslash/],
    ['a NUL', 'out.json\u0000.txt', /U\+0000 \(NUL\)/],
    ['a newline', 'out\n.json', /U\+000A/],
    ['a "." segment', './out.json', /"\." segment/],
    ['an empty segment', 'a//out.json', /empty segment/],
    ['a trailing slash', 'dir/', /empty segment/],
    ['an empty name', '', /it is empty/],
    ['a segment over 255 bytes', `${'é'.repeat(128)}.json`, /longer than 255 bytes/],
  ];
  test.each(outputs)('%s as an output name', async (_what, name, why) => {
    await refused(hostileLock(renameOutput(name)), ['verify', '--lock'], why);
  });
  test('an instance entry named ../x or holding a "/"', async () => {
    for (const bad of [`../../${target}`, 'gen/../../x', '.trash']) {
      await refused(
        hostileLock((lock) => {
          lock.profiles.quick![bad] = lock.profiles.quick!['gen[k=1]']!;
        }),
        ['repro'],
        /is not a safe instance name/,
      );
    }
  });
  test('a hash that is a path (it would name a store object outside the store)', async () => {
    await refused(
      hostileLock((lock) => {
        lock.profiles.quick!['gen[k=1]']!.outputs['out.json'] = `../../../../tmp/${target}`;
      }),
      ['verify', '--lock'],
      /output `out\.json` has a malformed hash/,
    );
    await refused(
      hostileLock((lock) => {
        lock.profiles.quick!['gen[k=1]']!.key = '../../keys/x';
      }),
      ['gc'],
      /entry `gen\[k=1\]` has a malformed key/,
    );
  });
  test('the untouched lock still verifies (the refusals above are not a blanket refusal)', async () => {
    const r = await cli(repo, 'verify', '--lock');
    expect(r.code, r.err).toBe(0);
    expect(readLockJson(repo)).toEqual(JSON.parse(original));
  });
});
