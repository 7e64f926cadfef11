/** Validators kept as compiled code (src/engine/pipeline/compiled-validator.ts): same verdicts as ajv, and a cache that cannot go stale. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compiledValidator, compileWithAjv, storeValidator, validatorName } from '../../src/engine/pipeline/compiled-validator.ts';
import { PIPELINE_VALIDATOR_OPTIONS, pipelineSchema } from '../../src/engine/pipeline/pipeline-schema.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gp-validators-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PARAMS = { type: 'object', properties: { p: { type: 'integer', minimum: 2 }, lr: { type: 'number', default: 0.001 } }, required: ['p'], additionalProperties: false };
const PARAMS_OPTIONS = { allErrors: true, useDefaults: true };

describe('compiled validators', () => {
  test('a stored pipeline validator gives the same verdicts and errors as ajv compiling the schema', () => {
    const dir = tempDir();
    storeValidator(dir, pipelineSchema(), PIPELINE_VALIDATOR_OPTIONS);
    const stored = compiledValidator(pipelineSchema(), PIPELINE_VALIDATOR_OPTIONS, [{ dir, writable: false }]);
    const { validate: fresh } = compileWithAjv(pipelineSchema(), PIPELINE_VALIDATOR_OPTIONS);
    const documents: unknown[] = [
      { version: 1, stages: { a: { uses: 'stages/a.ts' } } },
      { version: 1, stages: { a: { uses: 'stages/a.ts', cmd: ['x'] } } },
      { version: 1, stages: { a: { uses: 'stages/a.ts', outs: ['../escape'] } } },
      { version: 1, stages: { a: { uses: 'stages/a.ts', matrix: 'nope' } }, extra: true },
      { version: 2 },
    ];
    for (const doc of documents) {
      const a = stored(doc);
      const b = fresh(doc);
      expect(a).toBe(b);
      expect(stored.errors ?? null).toEqual(fresh.errors ?? null);
    }
    expect(documents.map((d) => stored(d))).toContain(false);
    expect(documents.map((d) => stored(d))).toContain(true);
  });

  test('a miss compiles, saves to the writable store, and the saved code fills defaults as ajv does', () => {
    const dir = tempDir();
    const first = compiledValidator(PARAMS, PARAMS_OPTIONS, [{ dir, writable: true }]);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readdirSync(dir)[0]).toMatch(new RegExp(`^${validatorName(PARAMS, PARAMS_OPTIONS)}\\.[0-9a-f]{32}\\.cjs$`));
    const second = compiledValidator(PARAMS, PARAMS_OPTIONS, [{ dir, writable: true }]);
    const a = { p: 59 };
    const b = { p: 59 };
    expect(first(a)).toBe(true);
    expect(second(b)).toBe(true);
    expect(b).toEqual({ p: 59, lr: 0.001 });
    expect(b).toEqual(a);
    expect(second({ p: 1 })).toBe(false);
    expect(second.errors?.[0]?.instancePath).toBe('/p');
  });

  test('the name changes with the schema and the options, so an edited schema never meets an old validator', () => {
    const changed = { ...PARAMS, properties: { ...PARAMS.properties, lr: { type: 'number', default: 0.002 } } };
    expect(validatorName(changed, PARAMS_OPTIONS)).not.toBe(validatorName(PARAMS, PARAMS_OPTIONS));
    expect(validatorName(PARAMS, { ...PARAMS_OPTIONS, verbose: true })).not.toBe(validatorName(PARAMS, PARAMS_OPTIONS));
  });

  test('a corrupt entry is compiled again and rewritten; a read-only store is never written', () => {
    const dir = tempDir();
    const file = join(dir, `${validatorName(PARAMS, PARAMS_OPTIONS)}.${'0'.repeat(32)}.cjs`);
    writeFileSync(file, 'module.exports = function (');
    const v = compiledValidator(PARAMS, PARAMS_OPTIONS, [{ dir, writable: true }]);
    expect(v({ p: 3 })).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')).toMatch(/validate\d+/);

    const readOnly = tempDir();
    chmodSync(readOnly, 0o555);
    const w = compiledValidator(PARAMS, PARAMS_OPTIONS, [{ dir: readOnly, writable: false }]);
    expect(w({ p: 3 })).toBe(true);
    expect(readdirSync(readOnly)).toEqual([]);
    chmodSync(readOnly, 0o755);
  });

  test('the build ships the pipeline validator under the name the runtime looks up', () => {
    const out = tempDir();
    execFileSync(process.execPath, ['scripts/build-dist.mjs', '--no-types', '--out', out], { stdio: 'pipe' });
    const shipped = readdirSync(join(out, 'engine', 'pipeline', 'validators'));
    expect(shipped.filter((n) => n.startsWith(`${validatorName(pipelineSchema(), PIPELINE_VALIDATOR_OPTIONS)}.`))).toHaveLength(1);
  });
});
