/**
 * Bad input accepted until run time, and values at the edges of their type. Findings: a misspelt
 * `--set vars.nmae=…` was accepted with only the usual "not recorded" warning; `"--in=${deps.nums}"` (a
 * fan-in inside a longer argument) passed repro -n and failed at run time with exit 1 and an empty log;
 * a timeout longer than Node's timers hold (2^31-1 ms) fired at once; `published: .nan` in claims.yaml
 * read "found: the number null". Class: each is exit 2, located, before anything runs, saying what it is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

afterAll(removeRepos);

const PIPELINE = `version: 1
vars:
  name: a
  n: 2
stages:
  nums:
    cmd: [sh, -c, 'echo \${matrix.i} > "$0/n.txt"', "\${out}"]
    matrix: { i: [1, 2] }
  one:
    cmd: [sh, -c, 'echo \${vars.name} > "$0/o.txt"', "\${out}"]
  sum:
    cmd: [sh, -c, 'for d in "$@"; do cat "$d/n.txt"; done > "$0/s.txt"', "\${out}", "\${deps.nums}"]
    deps: { nums: nums, one: one }
`;

describe('bad input is refused before anything runs', () => {
  test('a misspelt --set var: exit 2, naming the known vars, for repro, repro -n and status', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE });
    const before = snapshot(repo);
    for (const verb of [['repro'], ['repro', '-n'], ['status'], ['show', 'one']]) {
      const r = await cli(repo, ...verb, '--set', 'vars.nmae=b');
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toContain('error: --set `vars.nmae=b` names `vars.nmae`, which is not a var of this pipeline');
      expect(r.err).toContain('expected: a var defined under vars: (or the profile\'s vars:), one of: name, n');
      expect(r.err).toContain('--> pipeline.yaml:');
    }
    expect(snapshot(repo)).toEqual(before);
    expect((await cli(repo, 'repro', '-n', '--set', 'vars.name=b')).code).toBe(0);
  });

  test('a fan-in inside a longer argument: repro -n refuses it at the cmd entry; a single dependency there is fine', async () => {
    const text = PIPELINE.replace('"${deps.nums}"]', '"--in=${deps.nums}"]');
    const repo = makeRepo({ 'pipeline.yaml': text });
    const before = snapshot(repo);
    for (const verb of [['repro', '-n'], ['repro'], ['status']]) {
      const r = await cli(repo, ...verb);
      expect(r.code, r.err + r.out).toBe(2);
      expect(r.err).toContain('error: the command of `sum` uses the fan-in `${deps.nums}` inside a longer argument');
      expect(r.err).toMatch(/--> pipeline\.yaml:12:\d+/);
      expect(r.err).toContain('found: `--in=${deps.nums}`');
    }
    expect(snapshot(repo)).toEqual(before);
    const single = makeRepo({ 'pipeline.yaml': PIPELINE.replace(`'for d in "$@"; do cat "$d/n.txt"; done > "$0/s.txt"', "\${out}", "\${deps.nums}"]`, `'echo "$1" | cut -d= -f2- | xargs cat > "$0/s.txt"', "\${out}", "--in=\${deps.one}/o.txt"]`) });
    expect((await cli(single, 'repro')).code).toBe(0);
    expect(single.read('artifacts/sum/s.txt')).toBe('a\n');
  });

  test('a ${deps.x} the stage does not declare: refused by repro -n', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE.replace('"${deps.nums}"]', '"${deps.numz}"]') });
    const r = await cli(repo, 'repro', '-n');
    expect(r.code).toBe(2);
    expect(r.err).toContain('uses `${deps.numz}`, which is not a dependency of stage `sum`');
    expect(r.err).toContain('expected: one of: ${deps.nums}, ${deps.one}');
  });

  test('a timeout longer than Node can time is refused; the longest one it can is accepted', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE.replace("  one:\n", '  one:\n    timeout: 25d\n') });
    const r = await cli(repo, 'repro', '-n');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('timeout of stage `one` is longer than grokpipe can time');
    expect(r.err).toContain('--> pipeline.yaml:10:14');
    repo.write('pipeline.yaml', PIPELINE.replace("  one:\n", '  one:\n    timeout: 24d20h31m23s647ms\n'));
    expect((await cli(repo, 'repro')).code).toBe(0);
    repo.write('pipeline.yaml', PIPELINE.replace("  one:\n", '  one:\n    timeout: 24d20h31m23s648ms\n'));
    expect((await cli(repo, 'repro', '-n')).code).toBe(2);
  });

  test.each([
    ['.nan', 'NaN, not a number (YAML .nan)'],
    ['.inf', 'infinity (YAML .inf), not a finite number'],
    ['-.inf', 'minus infinity (YAML -.inf), not a finite number'],
  ])('claims.yaml: published: %s is named as what it is, not "the number null"', async (value, found) => {
    const repo = makeRepo({
      'pipeline.yaml': PIPELINE,
      'claims.yaml': `claims:\n  - id: c\n    published: ${value}\n    reproduced: { instance: one, file: o.txt }\n    check: { type: equals }\n`,
    });
    const r = await cli(repo, 'verify');
    expect(r.code, r.err + r.out).toBe(2);
    expect(r.err).toContain(`found: ${found}`);
    expect(r.err).not.toContain('null');
    expect(r.err).toContain('--> claims.yaml:3:16');
  });

  test.each(['0x10', '1e3', '3.0', ' 3', '', '-1', '0', '99999999999999999999'])('a count on the command line written %j is refused: decimal digits only, within 2^53', async (v) => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE });
    for (const argv of [['repro', '-n', '-j', v], ['verify', '--lock', '--sample', v], ['plan', '--cores', v]]) {
      const r = await cli(repo, ...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(/bad value for (-j|--sample|--cores)|bad arguments for/);
    }
    expect((await cli(repo, 'repro', '-n', '-j', '16')).code).toBe(0);
  });

  test('a matrix or a shard count too large to plan is refused at once, located, instead of exhausting memory', async () => {
    const axis = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n  m:\n    cmd: [sh, -c, 'true']\n    matrix: { a: ${axis(100)}, b: ${axis(100)}, c: ${axis(100)}, d: ${axis(100)} }\n` });
    const started = Date.now();
    const r = await cli(repo, 'repro', '-n');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('the matrix gives 100,000,000 instances, more than one stage may have');
    expect(r.err).toContain('--> pipeline.yaml:5:13');
    const shards = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  s:\n    uses: stages/s.ts\n    params: { seeds: 1000000000 }\n    shard: { axis: seed, count: seeds }\n',
      'stages/s.ts': 'export default { params: { type: "object" }, async run() {}, async merge() {} };\n',
    });
    const s = await cli(shards, 'repro', '-n');
    expect(s.code, s.err).toBe(2);
    expect(s.err).toContain('shard count of `s` is not a count grokpipe can plan');
    expect(s.err).toContain('--> pipeline.yaml:5:22');
    expect(Date.now() - started).toBeLessThan(20000);
  });

  test.each([
    ['in one axis', '{ k: [1, "1"] }', '5:22', 'the number 1 and the string "1", both `k=1`'],
    ['booleans', '{ k: [true, "true"] }', '5:25', 'the boolean true and the string "true", both `k=true`'],
    ['across products', '[{ k: 1 }, { k: "1" }]', '5:29', 'the number 1 and the string "1", both `k=1`'],
  ])('two matrix values that print alike but differ in type (%s) are refused: one instance name, two points', async (_what, matrix, at, found) => {
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n  s:\n    cmd: [sh, -c, 'echo \${matrix.k} > "$0/o.txt"', "\${out}"]\n    matrix: ${matrix}\n` });
    const r = await cli(repo, 'repro', '-n');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('matrix axis `k` has two values that print alike but differ in type');
    expect(r.err).toContain(`--> pipeline.yaml:${at}\n`);
    expect(r.err).toContain(`found: ${found}`);
  });

  test('values nested deeper than the YAML parser follows: exit 2, said as such, the long line shown as a window', async () => {
    const d = 3000;
    const repo = makeRepo({ 'pipeline.yaml': `version: 1\nstages:\n  s:\n    cmd: [sh, -c, 'true']\n    params: { deep: ${'['.repeat(d)}${']'.repeat(d)} }\n` });
    const r = await cli(repo, 'repro', '-n');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('pipeline.yaml nests values too deeply for its parser');
    expect(r.err).not.toContain('Maximum call stack');
    expect(Math.max(...r.err.split('\n').map((l) => l.length))).toBeLessThan(200);
  });

  test.each(['pipeline.yaml', 'claims.yaml'])('%s saved as UTF-16, or holding a byte that is not UTF-8, is named as such', async (file) => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'claims.yaml': 'claims: []\n' });
    const verb = file === 'claims.yaml' ? 'verify' : 'status';
    writeFileSync(join(repo.dir, file), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(repo.read(file), 'utf16le')]));
    const r = await cli(repo, verb);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`error: ${file} is not UTF-8 text`);
    writeFileSync(join(repo.dir, file), Buffer.concat([Buffer.from(file === 'claims.yaml' ? 'claims: []\n# ' : PIPELINE + '# '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    const bad = await cli(repo, verb);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('found: bytes that are not UTF-8');
  });
});
