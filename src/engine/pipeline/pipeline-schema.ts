/**
 * Validates the parsed pipeline.yaml against pipeline.schema.json (shipped at the repository root so
 * editors can use it too) and turns ajv's first useful error into a located GrokpipeError.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { canonicalJson } from '../../core/canonical-json.ts';
import { compiledValidator, type ValidatorOptions, type ValidatorStore } from './compiled-validator.ts';
import { DURATION_EXPECTED } from '../duration.ts';
import { describeValue } from '../errors.ts';
import { showExpressions, type FieldPath, type YamlSource } from '../yaml-source.ts';

export const PIPELINE_SCHEMA_PATH = new URL('../../../pipeline.schema.json', import.meta.url);
/** Validators the build compiled ahead of time (dist/engine/pipeline/validators/; absent when running the sources). */
export const SHIPPED_VALIDATORS = fileURLToPath(new URL('./validators/', import.meta.url));
/** verbose: the errors carry the schema and data the explanations below quote. */
export const PIPELINE_VALIDATOR_OPTIONS: ValidatorOptions = { allErrors: true, verbose: true };
const PARAMS_VALIDATOR_OPTIONS: ValidatorOptions = { allErrors: true, useDefaults: true };

export function pipelineSchema(): object {
  return JSON.parse(readFileSync(PIPELINE_SCHEMA_PATH, 'utf8')) as object;
}

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  compiled ??= compiledValidator(pipelineSchema(), PIPELINE_VALIDATOR_OPTIONS, [{ dir: SHIPPED_VALIDATORS, writable: false }]);
  return compiled;
}

const paramsValidators = new Map<string, ValidateFunction>();

/**
 * A validator for a stage's params schema (defaults applied), cached in this process by the schema's
 * canonical JSON and across commands in `stores` (the repository's .grokpipe/cache/validators/).
 */
export function paramsValidator(schema: object, stores: readonly ValidatorStore[] = []): ValidateFunction {
  const id = canonicalJson(schema);
  let v = paramsValidators.get(id);
  if (!v) {
    v = compiledValidator(schema, PARAMS_VALIDATOR_OPTIONS, stores);
    paramsValidators.set(id, v);
  }
  return v;
}

/** Throws a GrokpipeError naming file, line, column and field of the first schema violation. */
export function validatePipelineSchema(src: YamlSource, value: unknown): void {
  const validate = validator();
  if (validate(value)) return;
  const errors = validate.errors ?? [];
  throw explainSchemaErrors(src, value, errors, 'pipeline.yaml');
}

/** A JSON pointer as a field path; digit segments become list indexes. */
export function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  const insideBranch = (e: ErrorObject) => /\/oneOf\/\d+/.test(e.schemaPath);
  const informative = errors.filter((e) => {
    if (e.keyword === 'oneOf') return false;
    if (insideBranch(e) && (e.keyword === 'type' || e.keyword === 'required' || e.keyword === 'not')) {
      // Branch bookkeeping ("must be string" in the object branch of a dep) says nothing useful,
      // except a path escaping its folder, which is a `not` inside a relativePath.
      return e.keyword === 'not' && e.schemaPath.includes('relativePath');
    }
    return true;
  });
  const pool = informative.length ? informative : errors.filter((e) => e.keyword === 'oneOf');
  const depth = (e: ErrorObject) => pointerToPath(e.instancePath).length + (e.keyword === 'additionalProperties' || e.keyword === 'propertyNames' ? 1 : 0);
  let best: ErrorObject | undefined;
  for (const e of pool.length ? pool : errors) if (!best || depth(e) > depth(best)) best = e;
  return best;
}

export function explainSchemaErrors(src: YamlSource, root: unknown, errors: ErrorObject[], what: string) {
  const e = pickError(errors)!;
  const path = pointerToPath(e.instancePath);
  const found = valueAt(root, path);
  const where = path.length ? path : [];
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties) ?? {});
      return src.errorAt([...where, extra], {
        title: `unknown field \`${extra}\` in ${what}`,
        expected: allowed.length ? `one of: ${allowed.join(', ')}` : 'no other fields',
        found: `\`${extra}\``,
        hint: closest(extra, allowed) ? `did you mean \`${closest(extra, allowed)}\`?` : undefined,
      }, true);
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return src.errorAt(where, { title: `missing field \`${missing}\` in ${what}`, field: [...where, missing].join('.') || missing, expected: `a \`${missing}:\` entry`, found: 'none' });
    }
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      return src.errorAt([...where, name], {
        title: `invalid name \`${name}\` in ${what}`,
        expected: 'a name of letters, digits, _ (and - for stages and profiles), not starting with a digit',
        found: `\`${name}\``,
      }, true);
    }
    case 'oneOf':
      return explainOneOf(src, where, found, what);
    case 'not':
      return src.errorAt(where, {
        title: `path escapes its folder in ${what}`,
        expected: 'a relative path inside the folder: no leading "/", no ".." segment, no backslash',
        found: describeValue(found),
        hint: 'outputs are written inside the instance folder and code files live inside the repository',
      });
    case 'type': {
      const t = (e.params as { type: string | string[] }).type;
      return src.errorAt(where, { title: `wrong type in ${what}`, expected: Array.isArray(t) ? t.join(' or ') : t, found: describeValue(found) });
    }
    case 'const':
      return src.errorAt(where, { title: `unsupported value in ${what}`, expected: JSON.stringify((e.params as { allowedValue: unknown }).allowedValue), found: describeValue(found) });
    case 'pattern': {
      const isUses = path[path.length - 1] === 'uses';
      // Every duration field (timeout, resources.time, the Slurm defaults) refers to one definition.
      const isTimeout = path[path.length - 1] === 'timeout' || e.schemaPath.includes('/duration/');
      const isMemory = e.schemaPath.includes('/memory/');
      return src.errorAt(where, {
        title: `malformed value in ${what}`,
        expected: isUses ? 'a path to a .ts, .mts, .js or .mjs stage module' : isTimeout ? DURATION_EXPECTED : isMemory ? 'memory as an integer with a unit K, M, G or T, e.g. 512M or 4G' : `a string matching ${(e.params as { pattern: string }).pattern}`,
        found: describeValue(typeof found === 'string' ? showExpressions(found) : found),
      });
    }
    default:
      return src.errorAt(where, { title: `invalid value in ${what}`, expected: e.message ?? e.keyword, found: describeValue(found) });
  }
}

function explainOneOf(src: YamlSource, where: Array<string | number>, found: unknown, what: string) {
  const parent = where[where.length - 2];
  if (where[0] === 'stages' && where.length === 2) {
    const o = (found ?? {}) as Record<string, unknown>;
    const both = 'uses' in o && 'cmd' in o;
    return src.errorAt(where, {
      title: both ? `stage \`${where[1]}\` has both \`uses:\` and \`cmd:\`` : `stage \`${where[1]}\` has neither \`uses:\` nor \`cmd:\``,
      expected: 'exactly one of `uses: stages/<name>.ts` (a stage module) or `cmd: [program, args...]` (a shell command)',
      found: both ? 'both' : 'neither',
    }, true);
  }
  if (parent === 'deps') {
    return src.errorAt(where, { title: `malformed dependency in ${what}`, expected: 'a selector string such as `data[p=59]`, or { from: <selector>, files: [<file>, ...] }', found: describeValue(found) });
  }
  return src.errorAt(where, { title: `malformed matrix in ${what}`, expected: 'an object of axes ({ name: [values] }) or a list of such objects', found: describeValue(found) });
}

/** The allowed name nearest to a misspelt one (edit distance at most a third of its length), if any. */
export function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) ((bestD = d), (best = o));
  }
  return best;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
