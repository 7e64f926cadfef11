/**
 * A lock of the wrong shape is an input error at its line and column, for every verb that reads it.
 * Finding: `profiles: []` gave rc 0 with nothing recorded, an entry `null` a TypeError. Class: every
 * level of the lock with the wrong type or a missing or unknown field, and a lock that is not JSON.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, removeRepos, type Repo } from '../engine/helpers.ts';
import { builtRepo, state } from './lock-store-fixture.ts';

let repo: Repo;
let original: string;

beforeAll(async () => {
  repo = await builtRepo();
  original = repo.read('grokpipe.lock');
});
afterAll(() => removeRepos());

/** Line and column (1-based) of `needle`'s character `offset`, `needle` found in `text`. */
function position(text: string, [needle, offset]: [string, number]): string {
  const found = text.indexOf(needle);
  if (found < 0) throw new Error(`${needle} not in the lock`);
  const i = found + offset;
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** A case's lock text, made from the fixture's real lock once it exists (cases are listed before it is built). */
type LockText = (original: string) => string;
const edit =
  (f: (lock: any) => void): LockText =>
  (original) => {
    const lock = JSON.parse(original);
    f(lock);
    return JSON.stringify(lock, null, 2) + '\n';
  };

// the last column: where the error must point (a snippet of the lock and the offset of the value in it)
const cases: Array<[string, LockText, RegExp, [string, number] | null]> = [
  ['profiles is a list', edit((l) => (l.profiles = [])), /the profiles section is not an object[\s\S]*found: a list \[\]/, ['"profiles": []', 12]],
  ['an entry is null', edit((l) => (l.profiles.quick['gen[k=1]'] = null)), /entry `gen\[k=1\]` of profile `quick` is not an object[\s\S]*found: null/, ['"gen[k=1]": null', 12]],
  ['a profile is a string', edit((l) => (l.profiles.quick = 'all')), /profile `quick` is not an object/, ['"quick": "all"', 9]],
  ['outputs is null', edit((l) => (l.profiles.quick['sum'].outputs = null)), /entry `sum` has malformed outputs/, ['"outputs": null', 11]],
  ['outputs is a list', edit((l) => (l.profiles.quick['sum'].outputs = ['sum.json'])), /entry `sum` has malformed outputs/, ['"outputs": [', 11]],
  ['a key is a number', edit((l) => (l.profiles.quick['sum'].key = 5)), /entry `sum` has a malformed key[\s\S]*found: the number 5/, null],
  ['a key is missing', edit((l) => delete l.profiles.quick['sum'].key), /entry `sum` has a malformed key[\s\S]*found: nothing/, null],
  ['an unknown field in an entry', edit((l) => (l.profiles.quick['sum'].extra = 1)), /unknown field `extra` in entry `sum`/, ['"extra": 1', 0]],
  ['format 2', edit((l) => (l.format = 2)), /unknown lock format/, ['"format": 2', 10]],
  ['the whole lock is a list', () => '[]\n', /the lock is not an object/, null],
  ['the whole lock is null', () => 'null\n', /the lock is not an object/, null],
  ['truncated JSON', (original) => original.slice(0, original.length / 2), /grokpipe\.lock is not valid JSON/, null],
];

describe('a lock of the wrong shape', () => {
  for (const verb of [['repro'], ['status'], ['verify', '--lock'], ['gc']]) {
    test.each(cases)(`${verb.join(' ')}: %s is refused at its line and column, exit 2, nothing changed`, async (_what, make, message, at) => {
      const text = make(original);
      repo.write('grokpipe.lock', text);
      const before = state(repo);
      const r = await cli(repo, ...verb);
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(/--> grokpipe\.lock:\d+:\d+/);
      if (at !== null) expect(r.err).toContain(`--> grokpipe.lock:${position(text, at)}\n`);
      expect(r.err).toContain('hint: restore it from git');
      expect(r.err).not.toMatch(/TypeError|internal error|\n\s+at /);
      expect(state(repo)).toEqual(before);
    });
  }
  test('the original lock is accepted again', async () => {
    repo.write('grokpipe.lock', original);
    const r = await cli(repo, 'status');
    expect(r.code, r.err).toBe(0);
  });
});
