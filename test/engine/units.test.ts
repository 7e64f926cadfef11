/** The engine's pure parts: canonical JSON, plans (matrix, selectors, profiles, ${...}), import scanning, keys. */
import { describe, expect, test } from 'vitest';
import { canonicalJson, canonicalJsonPretty } from '../../src/core/canonical-json.ts';
import { ClosureResolver, MISSING } from '../../src/engine/hashing/code-closure.ts';
import { scanImports } from '../../src/engine/hashing/import-scan.ts';
import { FileHashCache } from '../../src/engine/hashing/file-hash-cache.ts';
import { sha256 } from '../../src/engine/sha256.ts';
import { buildPlan } from '../../src/engine/pipeline/plan.ts';
import { YamlSource } from '../../src/engine/yaml-source.ts';
import { validatePipelineSchema } from '../../src/engine/pipeline/pipeline-schema.ts';
import type { Project, RawPipeline } from '../../src/engine/pipeline/project.ts';
import { seededRandom } from '../../src/engine/run/seeded-random.ts';
import { rngSeedFor } from '../../src/engine/run/rng-seed.ts';
import { diffComponents } from '../../src/engine/keys/component-diff.ts';
import { GrokpipeError } from '../../src/engine/errors.ts';
import { makeRepo, removeRepos } from './helpers.ts';
import { afterAll } from 'vitest';

afterAll(removeRepos);

/** A project over a temporary folder holding empty stage modules (buildPlan checks that they exist). */
function project(yaml: string, modules: string[] = []): Project {
  const repo = makeRepo(Object.fromEntries(modules.map((m) => [m, 'export default {}\n'])));
  const src = YamlSource.parse('pipeline.yaml', yaml);
  const raw = src.toJS();
  validatePipelineSchema(src, raw);
  return { root: repo.dir, src, raw: raw as RawPipeline };
}

describe('canonical JSON', () => {
  test('sorts keys at every depth and writes numbers in shortest form', () => {
    expect(canonicalJson({ b: 1.0, a: { d: [1.5, -0], c: 'x' } })).toBe('{"a":{"c":"x","d":[1.5,0]},"b":1}');
    expect(canonicalJsonPretty({ b: 1, a: [] })).toBe('{\n  "a": [],\n  "b": 1\n}\n');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
  });
});

describe('plans', () => {
  const YAML_TEXT = `version: 1
default_profile: quick
vars:
  moduli: [59, 97]
  seeds: 12
profiles:
  quick: { vars: { seeds: 4 } }
  smoke: { vars: { moduli: [11] }, stages: { cell: { params: { budget: 500 } } } }
stages:
  data:
    uses: stages/data.ts
    matrix: { p: \${vars.moduli} }
    params: { p: \${matrix.p}, frac: 0.4, tag: "p\${matrix.p}-s\${vars.seeds}" }
  cell:
    uses: stages/cell.ts
    matrix:
      - { loss: [ce, mse], p: \${vars.moduli}, rho: [1.0], tau: [1.0] }
      - { loss: [ce], p: \${vars.moduli}, rho: [1.0, 1.15], tau: [1.0, 1.3] }
    params: { loss: \${matrix.loss}, rho: \${matrix.rho}, seeds: \${vars.seeds}, budget: 100, ps: \${vars.moduli} }
    deps:
      data: data[p=\${matrix.p}]
  analysis:
    uses: stages/analysis.ts
    matrix: { p: \${vars.moduli} }
    deps:
      cells: cell[loss=ce,p=\${matrix.p}]
      everything: cell[*]
      one: "cell[loss=mse,p=\${matrix.p},rho=1.0,tau=1]"
`;
  const MODULES = ['stages/data.ts', 'stages/cell.ts', 'stages/analysis.ts'];

  test('matrices expand to readable names; a list of products is a deduplicated union', () => {
    const plan = buildPlan(project(YAML_TEXT, MODULES));
    expect(plan.profile).toBe('quick');
    const cells = plan.stages.get('cell')!.instances;
    // 2 losses x 2 moduli from the first product, plus 2 x 2 x 2 from the second minus the 2 shared points.
    expect(cells).toHaveLength(4 + 8 - 2);
    expect(cells.slice(0, 2)).toEqual(['cell[loss=ce,p=59,rho=1,tau=1]', 'cell[loss=ce,p=97,rho=1,tau=1]']);
    expect(cells).toContain('cell[loss=ce,p=97,rho=1.15,tau=1.3]');
    expect(new Set(cells).size).toBe(cells.length);
  });

  test('whole-scalar ${...} keeps its type; inside a string it is stringified', () => {
    const plan = buildPlan(project(YAML_TEXT, MODULES));
    const cell = plan.byName.get('cell[loss=ce,p=59,rho=1.15,tau=1.3]')!;
    expect(cell.params).toEqual({ loss: 'ce', rho: 1.15, seeds: 4, budget: 100, ps: [59, 97] });
    expect(plan.byName.get('data[p=97]')!.params).toEqual({ p: 97, frac: 0.4, tag: 'p97-s4' });
  });

  test('single selectors give one instance, partial selectors and [*] a fan-in in instance order', () => {
    const plan = buildPlan(project(YAML_TEXT, MODULES));
    const a = plan.byName.get('analysis[p=59]')!;
    const dep = (n: string) => a.deps.find((d) => d.name === n)!;
    expect(dep('cells').single).toBe(false);
    expect(dep('cells').instances).toEqual(plan.stages.get('cell')!.instances.filter((c) => c.includes('loss=ce,p=59')));
    expect(dep('everything').instances).toEqual(plan.stages.get('cell')!.instances);
    expect(dep('one')).toMatchObject({ single: true, instances: ['cell[loss=mse,p=59,rho=1,tau=1]'] });
    expect(plan.byName.get('cell[loss=ce,p=97,rho=1.15,tau=1.3]')!.deps[0]).toMatchObject({ single: true, instances: ['data[p=97]'] });
    // Dependencies come before dependents.
    const order = plan.instances.map((i) => i.name);
    for (const i of plan.instances) for (const d of i.deps) for (const u of d.instances) expect(order.indexOf(u)).toBeLessThan(order.indexOf(i.name));
  });

  test('profiles override vars and deep-merge stage params; --set overrides vars', () => {
    const smoke = buildPlan(project(YAML_TEXT, MODULES), { profile: 'smoke' });
    expect(smoke.stages.get('data')!.instances).toEqual(['data[p=11]']);
    expect(smoke.byName.get('cell[loss=ce,p=11,rho=1,tau=1]')!.params).toMatchObject({ budget: 500, seeds: 12, loss: 'ce' });
    const set = buildPlan(project(YAML_TEXT, MODULES), { set: ['vars.seeds=3'] });
    expect(set.byName.get('data[p=59]')!.params.tag).toBe('p59-s3');
    expect(() => buildPlan(project(YAML_TEXT, MODULES), { profile: 'nope' })).toThrow(/unknown profile `nope`/);
  });
});

describe('import scanning for code closures', () => {
  test('follows runtime imports, skips type-only and commented ones, records assets', () => {
    const src = `import { a } from './a.ts';
import type { T } from './types.ts';
import def, { type U, b } from "../b.ts";
import './side-effect.ts';
export * from './re.ts';
export type { V } from './only-types.ts';
// import { gone } from './commented.ts';
/* import { gone2 } from './block.ts'; */
const later = await import('./lazy.ts');
const wasm = new URL('./kernels.wasm', import.meta.url);
import { thing } from '@scope/pkg/sub';
import fs from 'node:fs';
`;
    const found = scanImports(src, 'x.ts', '.ts');
    expect(found.map((i) => (i.kind === 'asset' ? `asset:${i.spec}` : i.spec))).toEqual(['./a.ts', '../b.ts', './side-effect.ts', './re.ts', './lazy.ts', 'asset:./kernels.wasm', '@scope/pkg/sub', 'node:fs']);
    // Positions are the original file's (1-based), through esbuild's source map.
    expect(found.find((i) => i.spec === './lazy.ts')).toMatchObject({ line: 9, column: 28 });
  });
});

describe('code closures', () => {
  test('follow relative imports transitively, record packages by version, hash assets or mark them missing', () => {
    const repo = makeRepo({
      'stages/s.ts': "import { h } from '../lib/h.js';\nimport YAML from 'yaml';\nexport default { h, YAML };\n",
      'lib/h.ts': "import type { T } from './types.ts';\nexport const h = new URL('../build/k.wasm', import.meta.url);\n",
      'lib/types.ts': 'export type T = number;\n',
    });
    const cache = new FileHashCache(repo.dir, { persistent: false });
    const before = new ClosureResolver(repo.dir, cache).closure(['stages/s.ts']);
    // lib/h.js resolves to lib/h.ts; the type-only import is not followed; the absent asset is "missing".
    expect(Object.keys(before.files)).toEqual(['build/k.wasm', 'lib/h.ts', 'stages/s.ts']);
    expect(before.files['build/k.wasm']).toBe(MISSING);
    expect(before.files['lib/h.ts']).toBe(sha256(repo.read('lib/h.ts')));
    expect(before.packages).toEqual({ yaml: 'not installed' });
    repo.write('build/k.wasm', 'wasm bytes');
    const after = new ClosureResolver(repo.dir, cache).closure(['stages/s.ts']);
    expect(after.files['build/k.wasm']).toBe(sha256('wasm bytes'));
    repo.write('stages/s.ts', "import { gone } from './gone.ts';\n");
    expect(() => new ClosureResolver(repo.dir, cache).closure(['stages/s.ts'])).toThrow(/cannot follow import `\.\/gone\.ts`/);
  });
});

describe('keys and random numbers', () => {
  test('component diffs name the leaf that changed, old beside new', () => {
    const base = { format: 1, code: { 'a.ts': 'a'.repeat(64), 'b.ts': 'b'.repeat(64) }, packages: {}, params: { lr: 0.001, opt: { beta: 0.9 } }, inputs: {}, compute: 'x' };
    const next = { ...base, code: { 'a.ts': 'c'.repeat(64) }, params: { lr: 0.002, opt: { beta: 0.9 } } };
    expect(diffComponents(base, next)).toEqual([
      { component: 'code', what: 'a.ts', old: 'a'.repeat(12), new: 'c'.repeat(12) },
      { component: 'code', what: 'b.ts', old: 'b'.repeat(12), new: '(absent)' },
      { component: 'params', what: 'params.lr', old: '0.001', new: '0.002' },
    ]);
  });

  test('ctx.rng depends only on params, through canonical JSON', () => {
    const a = seededRandom(rngSeedFor({ x: 1, y: [1, 2] }));
    const b = seededRandom(rngSeedFor({ y: [1, 2], x: 1.0 }));
    const c = seededRandom(rngSeedFor({ x: 2, y: [1, 2] }));
    const draw = (r: ReturnType<typeof seededRandom>) => Array.from({ length: 5 }, () => r.nextU32());
    const da = draw(a);
    expect(draw(b)).toEqual(da);
    expect(draw(c)).not.toEqual(da);
    const u = seededRandom(rngSeedFor({})).uniform();
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
  });

  test('errors format like a compiler: location, source line, caret, fields', () => {
    const src = YamlSource.parse('pipeline.yaml', 'version: 1\nstages:\n  a: { uses: 5 }\n');
    const e = src.errorAt(['stages', 'a', 'uses'], { title: 'bad', expected: 'a path', found: 'the number 5' });
    expect(e).toBeInstanceOf(GrokpipeError);
    expect(e.format()).toBe(['error: bad', '  --> pipeline.yaml:3:14', '  |', '3 |   a: { uses: 5 }', '  |              ^', '   = field: stages.a.uses', '   = expected: a path', '   = found: the number 5'].join('\n'));
  });
});
