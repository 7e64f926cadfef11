/**
 * Preparation: for each selected instance, everything of its key that does not depend on upstream
 * outputs: code closure, packages, params validated by the stage's own schema (defaults applied),
 * compute identity, command template, compiler and runtime. Raises every remaining bad-input error before anything runs.
 */
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { cloneJson, type Json } from '../../core/canonical-json.ts';
import { ClosureResolver, type CodeClosure } from '../hashing/code-closure.ts';
import { describeValue, GrokpipeError } from '../errors.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { bundleDir, compilerComponent, runnableModule } from './module-bundle.ts';
import { runtimeComponent } from './runtime-component.ts';
import { KEY_FORMAT, type KeyComponents } from './instance-key.ts';
import { exactParams } from './params-value.ts';
import { paramsValidator, pointerToPath } from '../pipeline/pipeline-schema.ts';
import { hashInstanceFiles } from '../pipeline/repo-files.ts';
import type { Instance, Plan, StagePlan } from '../pipeline/plan.ts';
import type { StageDefinition } from '../stage.ts';
import { checkShardPhases, importStageModule } from './stage-modules.ts';
import { phaseParams, shardKeyComponent } from '../pipeline/shards.ts';
import { showExpressions, type FieldPath } from '../yaml-source.ts';
import { declaredEnv } from '../pipeline/stage-env.ts';

export interface PreparedInstance {
  instance: Instance;
  stage: StagePlan;
  /** Params after schema validation with defaults filled in: what the stage receives. */
  params: Record<string, Json>;
  /** Key components except `inputs`. */
  fixed: Omit<KeyComponents, 'inputs'>;
  /** Module stages: the absolute path of the file the stage's process imports (the module or its bundle). */
  code?: string;
}

export interface Prepared {
  plan: Plan;
  byName: Map<string, PreparedInstance>;
  closures: Map<string, CodeClosure>;
}

export async function prepare(plan: Plan, instances: Instance[], cache: FileHashCache): Promise<Prepared> {
  const resolver = new ClosureResolver(plan.root, cache);
  const closures = new Map<string, CodeClosure>();
  /** Per module stage: its definition, its params validator, the file its process imports (the module or its bundle) and its compiler component. */
  const modules = new Map<string, { def: StageDefinition; validate: ValidateFunction; code: string; compiler: Json }>();
  const byName = new Map<string, PreparedInstance>();
  const validatorStores = cache.folder ? [{ dir: join(cache.folder.dir, 'validators'), writable: cache.folder.writable }] : [];
  const bundles = cache.folder ? { dir: bundleDir(plan.root), writable: cache.folder.writable } : null;

  for (const inst of instances) {
    const stage = plan.stages.get(inst.stage)!;
    let closure = closures.get(stage.name);
    if (!closure) {
      closure = resolver.closure(stage.kind === 'module' ? [stage.module!] : stage.code);
      closures.set(stage.name, closure);
    }
    let params = inst.params;
    let compute = stage.compute ?? '';
    if (stage.kind === 'module') {
      let loaded = modules.get(stage.name);
      if (!loaded) {
        const code = await runnableModule(plan.root, stage.module!, closure, bundles);
        const def = await importStageModule(stage.module!, code, closure);
        checkShardPhases(def, stage.module!, plan.project.raw.stages[stage.name]?.shard);
        let validate: ValidateFunction;
        try {
          validate = paramsValidator(def.params, validatorStores);
        } catch (e) {
          throw new GrokpipeError({ title: `the params schema of \`${stage.module}\` is not a valid JSON schema`, file: stage.module!, expected: 'a draft-07 JSON schema', found: (e as Error).message });
        }
        loaded = { def, validate, code, compiler: compilerComponent(plan.root, closure) };
        modules.set(stage.name, loaded);
      }
      const { def, validate } = loaded;
      params = cloneJson(inst.params);
      if (!validate(params)) throw paramsError(plan, inst, stage, validate, params);
      // ajv filled the schema's defaults in: JavaScript values, which may be ones JSON cannot carry.
      const exact = exactParams(params);
      if ('problem' in exact) {
        throw new GrokpipeError({
          title: `params of \`${inst.name}\` hold a value that cannot be keyed and passed exactly`,
          file: stage.module!,
          field: `params.${exact.problem.field}`,
          expected: 'JSON data: null, true/false, finite numbers, strings, lists and plain objects',
          found: exact.problem.found,
          hint: `the value comes from the schema defaults in ${stage.module}; give a JSON value there`,
        });
      }
      params = exact.params;
      if (def.compute) {
        try {
          compute = String(await def.compute(cloneJson(params)));
        } catch (e) {
          throw new GrokpipeError({ title: `compute() of \`${stage.module}\` threw for \`${inst.name}\``, file: stage.module!, expected: 'a string naming the compute engine', found: (e as Error).message });
        }
      }
    }
    params = phaseParams(params, inst.shard);
    const fixed: Omit<KeyComponents, 'inputs'> = { format: KEY_FORMAT, code: closure.files, packages: closure.packages, params, compute };
    if (inst.files.length) fixed.files = hashInstanceFiles(plan.project, inst, cache);
    const loaded = modules.get(stage.name);
    if (loaded) {
      fixed.compiler = loaded.compiler;
      fixed.runtime = runtimeComponent();
    }
    // As written (`${deps.x}`), not the yaml parser's protected form: the key is data people read.
    if (inst.command) fixed.command = inst.command.map(showExpressions);
    const declared = declaredOutputs(inst, stage);
    if (declared.length) fixed.outputs = [...declared].sort();
    if (inst.shard) fixed.shard = shardKeyComponent(inst.shard);
    if (stage.env.length) fixed.env = declaredEnv(stage.env);
    const code = loaded?.code;
    byName.set(inst.name, { instance: inst, stage, params, fixed, ...(code ? { code } : {}) });
  }
  return { plan, byName, closures };
}

/** Declared `outputs:` bind what the stage's instance produces: the merge of a sharded stage, not its shards. */
export function declaredOutputs(inst: Instance, stage: StagePlan): string[] {
  return inst.shard && inst.shard.phase !== 'merge' ? [] : stage.outputs;
}

function paramsError(plan: Plan, inst: Instance, stage: StagePlan, validate: ValidateFunction, params: unknown): GrokpipeError {
  const errors = validate.errors ?? [];
  const e = errors.find((x) => x.keyword !== 'if') ?? errors[0]!;
  const sub = pointerToPath(e.instancePath);
  const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : e.keyword === 'required' ? null : null;
  const field: FieldPath = extra ? [...sub, extra] : sub;
  let found: unknown = params;
  for (const s of field) found = found && typeof found === 'object' ? (found as Record<string, unknown>)[s] : undefined;
  const profile = plan.profile;
  const paths: FieldPath[] = [
    ['profiles', profile, 'stages', inst.stage, 'params', ...field],
    ['stages', inst.stage, 'params', ...field],
    ['stages', inst.stage, 'params'],
    ['stages', inst.stage],
  ];
  const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : null;
  if (missing) {
    // Point at the `params:` key that lacks the field (the block itself starts at its first entry).
    const at: FieldPath[] = [['profiles', profile, 'stages', inst.stage, 'params', ...field], ['stages', inst.stage, 'params', ...field], ['stages', inst.stage, 'params'], ['stages', inst.stage]];
    return plan.project.src.errorAt(at.filter((p) => plan.project.src.has(p)).slice(0, 1).concat([['stages', inst.stage]]), {
      title: `params of \`${inst.name}\` do not match the schema of \`${stage.module}\``,
      field: `stages.${inst.stage}.params${[...field, missing].map((s) => `.${s}`).join('')}`,
      expected: `a param \`${missing}\``,
      found: 'none',
      hint: `the schema is the \`params\` export of ${stage.module}`,
    }, true);
  }
  return plan.project.src.errorAt(paths, {
    title: `params of \`${inst.name}\` do not match the schema of \`${stage.module}\``,
    field: `stages.${inst.stage}.params${[...field, ...(missing ? [missing] : [])].map((s) => `.${s}`).join('')}`,
    expected: missing ? `a param \`${missing}\`` : extra ? `no param \`${extra}\` (the schema does not allow it)` : `a value that ${e.message ?? 'matches the schema'}`,
    found: missing ? 'none' : describeValue(found),
    hint: `the schema is the \`params\` export of ${stage.module}`,
  }, !!extra);
}
