/** A profile may leave a stage out (`matrix: []`): no instances, and a whole-stage fan-in on it selects none. */
import { afterAll, describe, expect, test } from 'vitest';
import { buildPlan } from '../../src/engine/pipeline/plan.ts';
import { validatePipelineSchema } from '../../src/engine/pipeline/pipeline-schema.ts';
import type { Project, RawPipeline } from '../../src/engine/pipeline/project.ts';
import { YamlSource } from '../../src/engine/yaml-source.ts';
import { makeRepo, removeRepos } from './helpers.ts';

afterAll(removeRepos);

function project(yaml: string, modules: string[]): Project {
  const repo = makeRepo(Object.fromEntries(modules.map((m) => [m, 'export default {}\n'])));
  const src = YamlSource.parse('pipeline.yaml', yaml);
  const raw = src.toJS();
  validatePipelineSchema(src, raw);
  return { root: repo.dir, src, raw: raw as RawPipeline };
}

const MODULES = ['stages/cell.ts', 'stages/analysis.ts', 'stages/report.ts'];
const pipeline = (quick: string) => `version: 1
default_profile: quick
profiles:
  full: {}
  quick:
${quick}
stages:
  cell:
    uses: stages/cell.ts
    matrix: { p: [59, 97], gamma: [-0.3, 0.3] }
  analysis:
    uses: stages/analysis.ts
    matrix: { p: [59, 97] }
    deps:
      cells: cell[p=\${matrix.p}]
  report:
    uses: stages/report.ts
    deps:
      analysis: analysis
      cells: cell[*]
`;

describe('a profile leaving stages out with matrix: []', () => {
  test('the stages have no instances and a whole-stage fan-in on them selects none', () => {
    const yaml = pipeline('    stages:\n      cell: { matrix: [] }\n      analysis: { matrix: [] }');
    const quick = buildPlan(project(yaml, MODULES));
    expect(quick.stages.get('cell')!.instances).toEqual([]);
    expect(quick.stages.get('analysis')!.instances).toEqual([]);
    const report = quick.byName.get('report')!;
    expect(report.deps.map((d) => [d.name, d.single, d.instances])).toEqual([
      ['analysis', false, []],
      ['cells', false, []],
    ]);
    // the other profile keeps every instance
    const full = buildPlan(project(yaml, MODULES), { profile: 'full' });
    expect(full.stages.get('cell')!.instances).toHaveLength(4);
    expect(full.byName.get('report')!.deps[0].instances).toEqual(['analysis[p=59]', 'analysis[p=97]']);
  });

  test('a selective dependency on a left-out stage is an error that says which stage the profile left out', () => {
    const yaml = pipeline('    stages:\n      cell: { matrix: [] }');
    expect(() => buildPlan(project(yaml, MODULES))).toThrow(/dependency on stage `cell`, which profile `quick` leaves out \(matrix: \[\]\)/);
  });

  test('an empty matrix is refused outside a profile', () => {
    const yaml = pipeline('    vars: {}').replace('matrix: { p: [59, 97], gamma: [-0.3, 0.3] }', 'matrix: []');
    expect(() => project(yaml, MODULES)).toThrow();
  });
});
