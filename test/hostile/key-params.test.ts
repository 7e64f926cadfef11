/**
 * Hostile cases for params and the key (issue 10): `.nan`, `.inf`, `-.inf`, `1e400` and `null` used to
 * become `null` and share one key, integers beyond 2^53 shared a key with their neighbour, and the
 * stage received a value other than the one written; a NaN in a cmd param was an internal error with
 * a stack trace. Now every number JSON cannot carry exactly is refused where it is written (line and
 * column, or the --set argument), and `null` is a value of its own: keyed distinctly, passed exactly.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { exactParams } from '../../src/engine/keys/params-value.ts';
import { cli, jsonStage, makeRepo, removeRepos, snapshot, type Repo } from '../engine/helpers.ts';

afterAll(removeRepos);

/** 1-based `pipeline.yaml:line:col` of the first occurrence of `needle` in `text`. */
function position(text: string, needle: string): string {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`test setup: ${needle} not in text`);
  const lines = text.slice(0, at).split('\n');
  return `pipeline.yaml:${lines.length}:${lines[lines.length - 1]!.length + 1}`;
}

function repoWith(pipeline: string): Repo {
  return makeRepo({ 'pipeline.yaml': pipeline, 'stages/plain.ts': jsonStage() });
}

async function expectRefused(repo: Repo, args: string[], where: RegExp | string, literal: string): Promise<void> {
  const r = await cli(repo, 'repro', ...args);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`error: the number \`${literal}\``);
  expect(r.err).toContain('cannot be used exactly');
  if (typeof where === 'string') expect(r.err).toContain(`--> ${where}`);
  else expect(r.err).toMatch(where);
  expect(r.err).toMatch(/= hint: /);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
  expect(snapshot(repo)).toEqual({});
}

describe('numbers JSON cannot carry exactly are refused where they are written', () => {
  const literals: Array<[string, RegExp]> = [
    ['.nan', /NaN, which JSON/],
    ['.NaN', /NaN, which JSON/],
    ['.inf', /is an infinity/],
    ['-.inf', /is an infinity/],
    ['+.Inf', /is an infinity/],
    ['1e400', /overflows a 64-bit float/],
    ['-2.5e308', /overflows a 64-bit float/],
    ['9007199254740993', /beyond 2\^53.*read as 9007199254740992/],
    ['-9007199254740993', /beyond 2\^53/],
    ['9007199254740992', /beyond 2\^53/],
    ['0x20000000000001', /beyond 2\^53/],
    ['1e-400', /underflows to 0/],
  ];

  test.each(literals)('key-params: the param %s is refused at its line and column', async (literal, why) => {
    const text = `version: 1\nstages:\n  s:\n    uses: stages/plain.ts\n    params: { a: 1, x: ${literal} }\n`;
    const repo = repoWith(text);
    await expectRefused(repo, [], position(text, literal), literal);
    expect((await cli(repo, 'repro')).err).toMatch(why);
  });

  test('key-params: the same value in vars (used through ${vars.x}) is refused at the var', async () => {
    const text = 'version: 1\nvars:\n  x: .nan\nstages:\n  s:\n    uses: stages/plain.ts\n    params: { x: ${vars.x} }\n';
    await expectRefused(repoWith(text), [], position(text, '.nan'), '.nan');
  });

  test('key-params: a matrix value beyond 2^53 is refused at the value (two instances would share a name and key)', async () => {
    const text = 'version: 1\nstages:\n  s:\n    uses: stages/plain.ts\n    matrix: { n: [9007199254740992, 9007199254740993] }\n    params: { n: ${matrix.n} }\n';
    await expectRefused(repoWith(text), [], position(text, '9007199254740992'), '9007199254740992');
  });

  test('key-params: a NaN in a cmd param is a located error, not an internal error with a stack trace', async () => {
    const text = 'version: 1\nstages:\n  c:\n    cmd: [node, -e, "require(\'fs\').writeFileSync(process.argv[2] + \'/o.txt\', process.argv[1])", "${params.x}", "${out}"]\n    params: { x: .nan }\n';
    await expectRefused(repoWith(text), [], position(text, '.nan'), '.nan');
  });

  test.each([
    ['vars.x=.nan', '.nan'],
    ['vars.x=.inf', '.inf'],
    ['vars.x=-.inf', '-.inf'],
    ['vars.x=1e400', '1e400'],
    ['vars.x=9007199254740993', '9007199254740993'],
    ['vars.x=[1, .nan]', '.nan'],
  ])('key-params: --set %s is refused, naming the argument', async (set, literal) => {
    const repo = repoWith('version: 1\nvars:\n  x: 1\nstages:\n  s:\n    uses: stages/plain.ts\n    params: { x: ${vars.x} }\n');
    await expectRefused(repo, ['--set', set], new RegExp(`in --set \`${set.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``), literal);
  });
});

describe('what is accepted is keyed distinctly and passed exactly', () => {
  test('key-params: null, 0, an absent field, "null" and the largest safe integer: five keys, each value received as written', async () => {
    const text = `version: 1
stages:
  is_null:
    uses: stages/plain.ts
    params: { x: null }
  is_tilde:
    uses: stages/plain.ts
    params: { x: ~ }
  is_zero:
    uses: stages/plain.ts
    params: { x: 0 }
  is_absent:
    uses: stages/plain.ts
    params: {}
  is_string:
    uses: stages/plain.ts
    params: { x: "null" }
  is_max:
    uses: stages/plain.ts
    params: { x: 9007199254740991, y: -0 }
`;
    const repo = repoWith(text);
    const r = await cli(repo, 'repro');
    expect(r.err).not.toMatch(/^(warning|error)\b/m); // progress is on stderr; nothing else is
    expect(r.code).toBe(0);
    const lock = JSON.parse(repo.read('grokpipe.lock')) as { profiles: { default: Record<string, { key: string }> } };
    const key = (n: string) => lock.profiles.default[n]!.key;
    // `~` is YAML's other spelling of null: the same value, the same key (restored, not rerun).
    expect(key('is_tilde')).toBe(key('is_null'));
    const distinct = ['is_null', 'is_zero', 'is_absent', 'is_string', 'is_max'].map(key);
    expect(new Set(distinct).size).toBe(5);
    const received = (n: string) => (JSON.parse(repo.read(`artifacts/${n}/out.json`)) as { params: Record<string, unknown> }).params;
    expect(received('is_null')).toEqual({ x: null });
    expect('x' in received('is_null')).toBe(true);
    expect(received('is_zero')).toEqual({ x: 0 });
    expect('x' in received('is_absent')).toBe(false);
    expect(received('is_string')).toEqual({ x: 'null' });
    // -0 is 0, canonical JSON's rule: the stage receives 0, and the key is that of 0.
    expect(received('is_max')).toEqual({ x: 9007199254740991, y: 0 });
  });

  const defaultsRepo = (dflt: string) =>
    makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  s:\n    uses: stages/d.ts\n    params: { a: 1 }\n',
      'stages/d.ts': `export default { params: { type: 'object', properties: { a: { type: 'integer' }, lr: { default: ${dflt} } } }, run() {} };\n`,
    });

  test('key-params: the one gate from params to key bytes refuses what JSON would change (unit: ajv already writes defaults as JSON)', () => {
    expect(exactParams({ a: NaN })).toEqual({ problem: { field: 'a', found: 'NaN, which JSON cannot hold (it would become null)' } });
    expect(exactParams({ a: { b: [1, Infinity] } })).toMatchObject({ problem: { field: 'a.b[1]' } });
    expect(exactParams({ a: [1, undefined] })).toMatchObject({ problem: { field: 'a[1]', found: expect.stringMatching(/undefined/) } });
    expect(exactParams({ a: new Date(0) })).toMatchObject({ problem: { field: 'a', found: expect.stringMatching(/a Date object/) } });
    expect(exactParams({ a: 10n })).toMatchObject({ problem: { field: 'a' } });
    // eslint-disable-next-line no-sparse-arrays
    expect(exactParams({ a: [1, , 3] })).toMatchObject({ problem: { field: 'a[1]', found: 'a hole at index 1' } });
    const ok = exactParams({ x: null, y: -0, z: [9007199254740991, 'null', { w: false }] });
    expect(ok).toEqual({ params: { x: null, y: 0, z: [9007199254740991, 'null', { w: false }] } });
    expect(Object.is((ok as { params: { y: number } }).params.y, 0)).toBe(true);
  });

  test('key-params: a NaN schema default is refused as an invalid schema (before any instance uses it)', async () => {
    const repo = defaultsRepo('NaN');
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the params schema of `stages\/d\.ts` is not a valid JSON schema/);
    expect(r.err).toMatch(/NaN/);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
  });
});
