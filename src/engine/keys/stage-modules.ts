/**
 * Loads stage modules in the engine's process to read their params schema and compute identity. The
 * import URL carries the closure digest, so a long-lived process (tests, the in-process API) sees an
 * edited module; its transitive imports are cached by the runtime as usual.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeClosure } from '../hashing/code-closure.ts';
import { GrokpipeError } from '../errors.ts';
import { sha256OfJson } from '../sha256.ts';
import type { RawShard } from '../pipeline/project.ts';
import type { EstimateFunction, StageDefinition } from '../stage.ts';
import { loadsTypeScript } from './typescript-modules.ts';

/**
 * The default export of `file` (absolute), which is the repository module `modulePath` or its bundle,
 * imported in the engine's process (tsx registered first for TypeScript sources). `version` goes into the
 * URL, so that a long-lived process sees an edited file (a bundle's name already changes with its code).
 */
async function importDefault(file: string, modulePath: string, version: string, what: string): Promise<unknown> {
  try {
    await loadsTypeScript(file);
    const mod = (await import(`${pathToFileURL(file).href}?gp=${version.slice(0, 16)}`)) as { default?: unknown };
    return mod.default;
  } catch (e) {
    const err = e as Error;
    throw new GrokpipeError({
      title: `${what} \`${modulePath}\` failed to load`,
      file: modulePath,
      expected: 'a module that loads without error',
      found: (err.stack ?? String(err)).split('\n').slice(0, 6).join('\n'),
    });
  }
}

/** The stage module's definition, from `file`: the module itself or its bundle (module-bundle.ts). */
export async function importStageModule(modulePath: string, file: string, closure: CodeClosure): Promise<StageDefinition> {
  return checkDefinition(await importDefault(file, modulePath, sha256OfJson(closure), 'stage module'), modulePath);
}

/** The cost model a stage names with `estimate:` (its default export, a function). */
export async function importEstimate(root: string, modulePath: string, digest: string): Promise<EstimateFunction> {
  const estimate = await importDefault(join(root, modulePath), modulePath, digest, 'estimate module');
  if (typeof estimate !== 'function') {
    throw new GrokpipeError({
      title: `\`${modulePath}\` is not an estimate module`,
      file: modulePath,
      expected: 'export default (params, shard?) => ({ seconds, basis? })',
      found: estimate === undefined ? 'no default export' : `a default export of type ${typeof estimate}`,
      hint: 'see docs/pipeline.md, "Predicting a build"',
    });
  }
  return estimate as EstimateFunction;
}

export function checkDefinition(def: unknown, modulePath: string): StageDefinition {
  const d = def as Partial<StageDefinition> | undefined;
  const problem = !d || typeof d !== 'object'
    ? 'no default export'
    : typeof d.run !== 'function'
      ? 'a default export without a run(ctx) function'
      : !d.params || typeof d.params !== 'object'
        ? 'a default export without a params JSON schema'
        : d.compute !== undefined && typeof d.compute !== 'function'
          ? 'a compute field that is not a function'
          : (['barrier', 'finish', 'merge'] as const).filter((k) => d[k] !== undefined && typeof d[k] !== 'function').map((k) => `a ${k} field that is not a function`)[0] ?? null;
  if (problem) {
    throw new GrokpipeError({
      title: `\`${modulePath}\` is not a stage module`,
      file: modulePath,
      expected: 'export default { params: <JSON schema>, compute?: (params) => string, run(ctx) {...} }',
      found: problem,
      hint: 'see docs/pipeline.md, "The stage contract"',
    });
  }
  return d as StageDefinition;
}

/**
 * A sharded stage's module must export the phases its `shard:` declares: merge always, barrier and
 * finish with `barrier: true`; and a module with barrier and finish must be declared with a barrier
 * (otherwise its shards would be merged before they are finished).
 */
export function checkShardPhases(def: StageDefinition, modulePath: string, shard: RawShard | undefined): void {
  const has = (k: 'barrier' | 'finish' | 'merge') => typeof def[k] === 'function';
  const fail = (found: string, expected: string, hint: string) => {
    throw new GrokpipeError({ title: `\`${modulePath}\` does not fit the stage's \`shard:\``, file: modulePath, expected, found, hint });
  };
  if (!shard) return;
  if (!has('merge')) fail('no merge(ctx) export', 'a sharded stage module exporting run(ctx) for one shard and merge(ctx) to assemble the shards', 'see docs/pipeline.md, "Shards"');
  if (shard.barrier === true && (!has('barrier') || !has('finish'))) {
    fail(`shard.barrier is true but the module exports ${has('barrier') ? 'no finish(ctx)' : has('finish') ? 'no barrier(ctx)' : 'neither barrier(ctx) nor finish(ctx)'}`, 'barrier(ctx) and finish(ctx) exports when shard.barrier is true', 'export both, or remove barrier: true from the stage\'s shard:');
  }
  if (shard.barrier !== true && (has('barrier') || has('finish'))) {
    fail(`the module exports ${has('barrier') && has('finish') ? 'barrier and finish' : has('barrier') ? 'barrier' : 'finish'} but the stage's shard: has no barrier: true`, 'barrier: true in the stage\'s shard: when the module couples its shards', 'add barrier: true to shard: in pipeline.yaml (or drop the exports)');
  }
}
