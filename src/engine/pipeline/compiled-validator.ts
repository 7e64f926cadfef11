/**
 * JSON-schema validators compiled once and kept as code, so that a command does not load and run ajv's
 * compiler each time (loading ajv and compiling pipeline.schema.json was about a third of `grokpipe
 * status`'s start-up). ajv's standalone output (plain JavaScript that needs only ajv's small runtime
 * helpers) is stored under a name that is the hash of everything that decides it: the schema, the
 * options and ajv's version. A schema, option or ajv change is a new name, never a stale validator.
 * The name ends with the hash of the code itself, checked before the code runs: a validator edited in
 * the cache (one that would accept invalid params, or rewrite them, and so change a key) is never run,
 * but compiled again, since the params it returns go into the key.
 *
 * Stores, looked up in order: the package's own (dist/engine/pipeline/validators/, written by `npm run build` for
 * pipeline.schema.json) and the repository's cache (.grokpipe/cache/validators/, stage params schemas,
 * written on first use). A store that cannot be written is only read; an unreadable or corrupt entry is
 * compiled again, since it is only a cache.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Options, ValidateFunction } from 'ajv';
import { canonicalJson } from '../../core/canonical-json.ts';
import { writeFileAtomic } from '../fs-atomic.ts';
import { ContentNamedFolder } from '../content-named.ts';
import { sha256 } from '../sha256.ts';

export interface ValidatorStore {
  dir: string;
  writable: boolean;
}

/** Options shared by every validator grokpipe compiles: draft-07, lenient about unknown keywords. */
export type ValidatorOptions = Pick<Options, 'allErrors' | 'verbose' | 'useDefaults'>;

const require = createRequire(import.meta.url);
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

/** The start of a validator's file name: the hash of what decides its code. The name goes on with `.<sha256 of the code>.cjs`. */
export function validatorName(schema: object, options: ValidatorOptions): string {
  return sha256(canonicalJson({ ajv: AJV_VERSION, options, schema })).slice(0, 32);
}

/** Runs stored standalone code as a CommonJS module whose `require` resolves from grokpipe's own dependencies. */
function instantiate(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  const fn = module.exports as ValidateFunction;
  if (typeof fn !== 'function') throw new Error('not a validator module');
  return fn;
}

/** ajv compiling `schema` with `options`, plus its standalone code. A fresh Ajv each time, so that two schemas with one $id do not collide. */
export function compileWithAjv(schema: object, options: ValidatorOptions): { validate: ValidateFunction; code: string } {
  const AjvModule = require('ajv') as { default: new (o: Options) => import('ajv').default };
  const standalone = (require('ajv/dist/standalone') as { default: (ajv: import('ajv').default, fn: ValidateFunction) => string }).default;
  // optimize: false halves compile time; a validator checks one small document per command.
  const ajv = new AjvModule.default({ ...options, strict: false, allowUnionTypes: true, code: { source: true, optimize: false } });
  const validate = ajv.compile(schema);
  return { validate, code: standalone(ajv, validate) };
}

/** Writes the validator of `schema` into `dir` (the build does this for the shipped pipeline schema). */
export function storeValidator(dir: string, schema: object, options: ValidatorOptions): string {
  const { code } = compileWithAjv(schema, options);
  mkdirSync(dir, { recursive: true });
  const name = new ContentNamedFolder(dir, '.cjs', true).nameOf(validatorName(schema, options), code);
  writeFileAtomic(join(dir, name), code);
  return name;
}

/** The validator of `schema`: from the first store holding it, else compiled and saved in the first writable store. */
export function compiledValidator(schema: object, options: ValidatorOptions, stores: readonly ValidatorStore[]): ValidateFunction {
  const stem = validatorName(schema, options);
  for (const store of stores) {
    const found = new ContentNamedFolder(store.dir, '.cjs', store.writable).find(stem);
    if (!found) continue;
    try {
      return instantiate(found.text);
    } catch {
      // Does not run (cannot happen to code that hashes to its name, unless ajv's runtime changed): compiled again below.
    }
  }
  const { validate, code } = compileWithAjv(schema, options);
  const target = stores.find((s) => s.writable);
  if (target) {
    try {
      mkdirSync(target.dir, { recursive: true });
      const folder = new ContentNamedFolder(target.dir, '.cjs', true);
      const name = folder.nameOf(stem, code);
      writeFileAtomic(join(target.dir, name), code);
      folder.added(name);
    } catch {
      // Best-effort (read-only checkout, full disk): compiled again next time, no more.
    }
  }
  return validate;
}
