/**
 * Bad input is reported with file, line, column and field, exits with code 2, and changes nothing in
 * the store, the lock file or artifacts/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, cliProcess, jsonStage, makeRepo, removeRepos, snapshot, type Repo } from './helpers.ts';

const GOOD = `version: 1
vars:
  ps: [3, 5]
stages:
  data:
    uses: stages/data.ts
    matrix: { p: \${vars.ps} }
    params: { p: \${matrix.p} }
  use:
    uses: stages/plain.ts
    matrix: { p: \${vars.ps} }
    deps:
      d: data[p=\${matrix.p}]
`;

const DATA_STAGE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { p: { type: 'integer', minimum: 2 } }, required: ['p'], additionalProperties: false },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'data.json'), JSON.stringify(ctx.params)); },
};
`;

let repo: Repo;
let before: Record<string, string>;

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function position(text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`test setup: ${needle} not in text`);
  const lines = text.slice(0, at).split('\n');
  return `pipeline.yaml:${lines.length}:${lines[lines.length - 1]!.length + 1}`;
}

beforeAll(async () => {
  repo = makeRepo({ 'pipeline.yaml': GOOD, 'stages/data.ts': DATA_STAGE, 'stages/plain.ts': jsonStage() });
  const r = await cli(repo, 'repro');
  expect(r.code).toBe(0);
  before = snapshot(repo);
  expect(Object.keys(before).length).toBeGreaterThan(5);
});

afterAll(removeRepos);

async function expectRejected(yaml: string, where: string, ...fragments: Array<string | RegExp>) {
  repo.write('pipeline.yaml', yaml);
  const r = await cli(repo, 'repro');
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toContain(`--> ${where}`);
  for (const f of fragments) {
    if (typeof f === 'string') expect(r.err).toContain(f);
    else expect(r.err).toMatch(f);
  }
  expect(snapshot(repo)).toEqual(before);
  repo.write('pipeline.yaml', GOOD);
  return r;
}

describe('bad pipeline.yaml', () => {
  test('malformed YAML', async () => {
    const yaml = GOOD.replace('    params: { p: ${matrix.p} }', '    params: { p: ${matrix.p}\n  broken: [');
    const r = await expectRejected(yaml, position(yaml, '  broken').replace(/:\d+$/, ':' + String(yaml.split('\n').find((l) => l.includes('broken'))!.indexOf('broken') + 1)), 'is not valid YAML');
    expect(r.err).toMatch(/^error: /);
  });

  test('a schema violation: an unknown field, with the allowed ones', async () => {
    const yaml = GOOD.replace('    deps:', '    dependencies:');
    await expectRejected(yaml, position(yaml, 'dependencies'), 'unknown field `dependencies`', 'field: stages.use.dependencies', 'expected: one of: description, uses, cmd');
  });

  test('a schema violation: a wrong type', async () => {
    const yaml = GOOD.replace('    params: { p: ${matrix.p} }', '    params: { p: ${matrix.p} }\n    outputs: data.json');
    await expectRejected(yaml, position(yaml, 'data.json'), 'field: stages.data.outputs', 'expected: array', 'found: the string "data.json"');
  });

  test('an unknown stage module', async () => {
    const yaml = GOOD.replace('stages/plain.ts', 'stages/nope.ts');
    await expectRejected(yaml, position(yaml, 'stages/nope.ts'), 'unknown stage module `stages/nope.ts`', 'field: stages.use.uses');
  });

  test('a cycle, printed', async () => {
    const yaml = GOOD.replace("    params: { p: ${matrix.p} }\n", "    params: { p: ${matrix.p} }\n    deps:\n      back: use[p=${matrix.p}]\n");
    repo.write('pipeline.yaml', yaml);
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    // The error points at the dependency that closes the cycle: one of its two edges.
    const edges = [position(yaml, 'use[p=${matrix.p}]'), position(yaml, 'data[p=${matrix.p}]')];
    expect(edges.some((e) => r.err.includes(`--> ${e}`))).toBe(true);
    expect(r.err).toContain('dependency cycle');
    expect(snapshot(repo)).toEqual(before);
    repo.write('pipeline.yaml', GOOD);
    expect(r.err).toMatch(/data\[p=3\] -> use\[p=3\] -> data\[p=3\]|use\[p=3\] -> data\[p=3\] -> use\[p=3\]/);
  });

  test('a dependency on a missing instance', async () => {
    const yaml = GOOD.replace('d: data[p=${matrix.p}]', 'd: data[p=11]');
    await expectRejected(yaml, position(yaml, 'data[p=11]'), 'dependency on a missing instance', 'expected: one of: data[p=3], data[p=5]', 'field: stages.use.deps.d');
  });

  test('an output path that escapes its folder', async () => {
    const yaml = GOOD.replace('    params: { p: ${matrix.p} }', '    params: { p: ${matrix.p} }\n    outputs: [../../escape.json]');
    await expectRejected(yaml, position(yaml, '../../escape.json'), 'path escapes its folder', 'field: stages.data.outputs[0]');
  });

  test('params that the stage schema rejects name the pipeline.yaml line of the param', async () => {
    const yaml = GOOD.replace('    params: { p: ${matrix.p} }', '    params: { p: ${matrix.p}, extra: 1 }');
    await expectRejected(yaml, position(yaml, 'extra'), 'params of `data[p=3]` do not match the schema of `stages/data.ts`', 'field: stages.data.params.extra');
    const yaml2 = GOOD.replace('  ps: [3, 5]', '  ps: [1, 5]');
    await expectRejected(yaml2, position(yaml2, '${matrix.p}'), 'params of `data[p=1]`', 'must be >= 2', 'found: the number 1');
  });

  test('an unknown ${...} name lists the defined ones', async () => {
    const yaml = GOOD.replace('p: ${vars.ps} }\n    params', 'p: ${vars.pz} }\n    params');
    await expectRejected(yaml, position(yaml, '${vars.pz}'), 'unknown name `${vars.pz}`', 'expected: one of vars.ps');
  });

  test('the real binary exits with code 2 and prints the same error', () => {
    repo.write('pipeline.yaml', GOOD.replace('stages/plain.ts', 'stages/nope.ts'));
    const r = cliProcess(repo, 'repro');
    repo.write('pipeline.yaml', GOOD);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown stage module `stages/nope.ts`');
    expect(snapshot(repo)).toEqual(before);
  });
});
