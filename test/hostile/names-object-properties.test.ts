/**
 * Names that are properties of every JavaScript object, in every role a name has in pipeline.yaml: stage,
 * instance (matrix axis), var, param, dependency, output, profile. Finding: `__proto__` as a var, axis or
 * param silently vanished (the instance ran with params {} and no axis); `${deps.constructor}` read
 * Object's constructor. Class: each name either works as any other name, or (`__proto__`, which JavaScript
 * reads as an object's prototype) is refused at its line and column before anything runs.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

afterAll(removeRepos);

const GEN = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, ctx.params.file), JSON.stringify({ params: ctx.params, matrix: ctx.matrix })); },
};
`;

const pipeline = (n: string) => `version: 1
default_profile: ${n}
vars: { ${n}: 3 }
profiles:
  ${n}: { vars: { ${n}: 4 } }
stages:
  ${n}:
    uses: stages/gen.ts
    matrix: { ${n}: [1, 2] }
    params: { ${n}: \${vars.${n}}, file: ${n} }
    outputs: [${n}]
  use:
    cmd: [sh, -c, 'cat "$1/${n}" "$2/${n}" > "$0/${n}"', "\${out}", "\${deps.${n}}"]
    deps: { ${n}: ${n} }
`;

describe('names every object has', () => {
  test.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])('%s as stage, axis, var, param, dependency, output and profile works as any name', async (n) => {
    const repo = makeRepo({ 'pipeline.yaml': pipeline(n), 'stages/gen.ts': GEN });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err + r.out).toBe(0);
    const one = JSON.parse(repo.read(`artifacts/${n}[${n}=1]/${n}`));
    expect(one).toEqual({ params: { [n]: 4, file: n }, matrix: { [n]: 1 } });
    expect(repo.read(`artifacts/use/${n}`)).toBe(repo.read(`artifacts/${n}[${n}=1]/${n}`) + repo.read(`artifacts/${n}[${n}=2]/${n}`));
    expect(Object.keys(JSON.parse(repo.read('grokpipe.lock')).profiles[n]).sort()).toEqual([`${n}[${n}=1]`, `${n}[${n}=2]`, 'use'].sort());
    const status = await cli(repo, 'status', '--why');
    expect(status.code, status.err).toBe(0);
    expect(status.out).toContain(': 3 instances: 3 up to date, 0 stale');
    const set = await cli(repo, 'repro', '-n', '--set', `vars.${n}=5`);
    expect(set.code, set.err).toBe(0);
  });

  const BASE = `version: 1
vars: { x: 3 }
profiles:
  quick: {}
stages:
  s:
    uses: stages/gen.ts
    matrix: { k: [1, 2] }
    params: { v: 1, file: o }
  use:
    cmd: [sh, -c, 'true']
    deps: { g: s }
`;
  const roles: Array<[string, string, string]> = [
    ['a var', 'vars: { x: 3 }', 'vars: { __proto__: 3 }'],
    ['a matrix axis', 'matrix: { k: [1, 2] }', 'matrix: { __proto__: [1, 2] }'],
    ['a param', 'params: { v: 1, file: o }', 'params: { __proto__: 1, file: o }'],
    ['a stage', '  use:', '  __proto__:'],
    ['a dependency', 'deps: { g: s }', 'deps: { __proto__: s }'],
    ['a profile', '  quick: {}', '  __proto__: {}'],
  ];
  test.each(roles)('__proto__ as %s is refused where it is written, exit 2, nothing written', async (_role, from, to) => {
    const text = BASE.replace(from, to);
    const before = text.slice(0, text.indexOf('__proto__')).split('\n');
    const at = `pipeline.yaml:${before.length}:${before[before.length - 1]!.length + 1}`;
    const repo = makeRepo({ 'pipeline.yaml': text, 'stages/gen.ts': GEN });
    const state = snapshot(repo);
    for (const verb of [['repro'], ['repro', '-n'], ['status']]) {
      const r = await cli(repo, ...verb);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain('error: `__proto__` cannot be a name in pipeline.yaml');
      expect(r.err).toContain(`--> ${at}\n`);
    }
    expect(snapshot(repo)).toEqual(state);
    expect(repo.exists('artifacts')).toBe(false);
  });

  test('__proto__ through --set is refused too (it would reach every object through the merge)', async () => {
    const repo = makeRepo({ 'pipeline.yaml': BASE, 'stages/gen.ts': GEN });
    for (const s of ['vars.__proto__=1', 'vars.x.__proto__=1', 'vars.__proto__.polluted=1']) {
      const r = await cli(repo, 'repro', '-n', '--set', s);
      expect(r.code, s).toBe(2);
      expect(r.err).toContain('not a var of this pipeline');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});
