/**
 * A lock whose text is broken in ways people meet: an editor's byte order mark, the markers git leaves
 * after a merge it could not finish, the same instance twice (a hand merge of two branches). Findings:
 * the BOM gave "Unexpected token" naming an invisible character; the markers, the same without saying
 * it was a merge; a doubled instance was accepted and the last entry won. Class: each is refused by every
 * verb that reads the lock, exit 2, at its line and column, saying what it is and what to do, and
 * nothing is changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The lock with the entry of `instance` written twice, the second with another key. */
function doubled(text: string, instance: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith(`${JSON.stringify(instance)}:`));
  const indent = lines[start]!.length - lines[start]!.trimStart().length;
  let end = start + 1;
  while (!(lines[end]!.trimStart().startsWith('}') && lines[end]!.length - lines[end]!.trimStart().length === indent)) end++;
  const entry = lines.slice(start, end + 1);
  const copy = entry.map((l) => l.replace(/"key": "[0-9a-f]{64}"/, `"key": "${'e'.repeat(64)}"`));
  if (!copy[copy.length - 1]!.endsWith(',')) copy[copy.length - 1] += ',';
  return [...lines.slice(0, start), ...copy, ...lines.slice(start)].join('\n');
}

function conflicted(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes('"key"'));
  const ours = lines[at]!;
  const theirs = ours.replace(/"[0-9a-f]{64}"/, `"${'f'.repeat(64)}"`);
  return [...lines.slice(0, at), '<<<<<<< HEAD', ours, '=======', theirs, '>>>>>>> feature', ...lines.slice(at + 1)].join('\n');
}

const cases: Array<[string, (t: string) => string, RegExp, (t: string) => string]> = [
  ['a byte order mark', (t) => `\uFEFF${t}`, /grokpipe\.lock starts with a byte order mark[\s\S]*hint: save it again without the BOM/, () => 'grokpipe.lock:1:1'],
  [
    'merge-conflict markers',
    conflicted,
    /grokpipe\.lock holds git merge-conflict markers[\s\S]*found: the conflict marker `<<<<<<<`[\s\S]*hint: do not edit the markers out by hand: take one side whole \(git checkout --ours grokpipe\.lock, or --theirs\), then run grokpipe repro/,
    (t) => `grokpipe.lock:${t.split('\n').findIndex((l) => l.startsWith('<<<<<<<')) + 1}:1`,
  ],
  [
    'an instance twice in a profile',
    (t) => doubled(t, 'gen[k=1]'),
    /"gen\[k=1\]" appears twice in `profiles\.quick`; JSON keeps only the last/,
    (t) => {
      const lines = t.split('\n');
      const second = lines.findIndex((l, i) => l.includes('"gen[k=1]":') && i > lines.findIndex((m) => m.includes('"gen[k=1]":')));
      return `grokpipe.lock:${second + 1}:${lines[second]!.indexOf('"') + 1}`;
    },
  ],
];

describe('a lock broken as text', () => {
  for (const verb of [['repro'], ['status'], ['verify', '--lock'], ['gc'], ['show', 'sum']]) {
    test.each(cases)(`${verb.join(' ')}: %s is named as such, exit 2, at its place, nothing changed`, async (_what, make, message, at) => {
      const text = make(original);
      repo.write('grokpipe.lock', text);
      const before = state(repo);
      const r = await cli(repo, ...verb);
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain(`--> ${at(text)}\n`);
      expect(r.err).not.toMatch(/Unexpected token|TypeError|internal error|\n\s+at /);
      expect(state(repo)).toEqual(before);
    });
  }
  test('the same output twice in an entry is refused too', async () => {
    const text = original.replace(/("out\.json": "[0-9a-f]{64}")/, '$1,\n        "out.json": "' + 'a'.repeat(64) + '"');
    expect(text).not.toBe(original);
    repo.write('grokpipe.lock', text);
    const r = await cli(repo, 'status');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"out\.json" appears twice in `profiles\.quick\.gen\[k=\d\]\.outputs`/);
  });
  test('a lock saved as UTF-16 is named as such, not as an unexpected token', async () => {
    writeFileSync(join(repo.dir, 'grokpipe.lock'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original, 'utf16le')]));
    const before = state(repo);
    const r = await cli(repo, 'status');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: grokpipe.lock is not UTF-8 text');
    expect(r.err).toContain('found: UTF-16 text');
    expect(state(repo)).toEqual(before);
  });
  test('the original lock is accepted again', async () => {
    repo.write('grokpipe.lock', original);
    const r = await cli(repo, 'status');
    expect(r.code, r.err).toBe(0);
  });
});
