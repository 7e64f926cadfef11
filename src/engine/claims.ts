/**
 * claims.yaml: published numbers beside the values the pipeline reproduced. Generic: a claim names an
 * instance, a JSON file in its folder and a path inside it, and a check. `verify` prints a table and
 * fails on any FAIL. A claim is only checked against an instance that is up to date for the profile
 * (its folder holds the key recorded in grokpipe.lock), so a stale artifact never passes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { instanceDir, isIntact, readManifest } from './artifacts.ts';
import { canonicalJson } from './canonical-json.ts';
import { GrokpipeError } from './errors.ts';
import type { FileHashCache } from './file-hash-cache.ts';
import type { LockFile } from './lock-file.ts';
import { explainSchemaErrors } from './pipeline-schema.ts';
import type { Plan } from './plan.ts';
import { YamlSource } from './yaml-source.ts';
import { alignColumns } from './text-columns.ts';

const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;

export const CLAIMS_FILE = 'claims.yaml';

export type CheckType = 'within' | 'in_interval' | 'equals' | 'at_least' | 'at_most';

export interface Claim {
  id: string;
  title?: string;
  published: number | [number, number] | string | boolean;
  reproduced: { instance: string; file: string; path?: string };
  check: { type: CheckType; tolerance?: number; relative?: boolean };
  profiles?: string[];
  why?: string;
}

export const CLAIMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['claims'],
  properties: {
    claims: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'published', 'reproduced', 'check'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          title: { type: 'string' },
          published: { type: ['number', 'string', 'boolean', 'array'], items: { type: 'number' }, minItems: 2, maxItems: 2 },
          reproduced: {
            type: 'object',
            additionalProperties: false,
            required: ['instance', 'file'],
            properties: { instance: { type: 'string', minLength: 1 }, file: { type: 'string', minLength: 1, not: { pattern: '^/|^\\.\\.(/|$)|/\\.\\.(/|$)' } }, path: { type: 'string' } },
          },
          check: {
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: { type: { enum: ['within', 'in_interval', 'equals', 'at_least', 'at_most'] }, tolerance: { type: 'number', minimum: 0 }, relative: { type: 'boolean' } },
          },
          profiles: { type: 'array', items: { type: 'string' } },
          why: { type: 'string' },
        },
      },
    },
  },
} as const;

export interface ClaimResult {
  claim: Claim;
  status: 'PASS' | 'FAIL' | 'SKIP';
  reproduced: unknown;
  /** Why it failed or was skipped. */
  note?: string;
}

export function loadClaims(root: string): { src: YamlSource; claims: Claim[] } {
  let text: string;
  try {
    text = readFileSync(join(root, CLAIMS_FILE), 'utf8');
  } catch {
    throw new GrokpipeError({ title: `no ${CLAIMS_FILE} in the repository`, file: CLAIMS_FILE, expected: `a ${CLAIMS_FILE} next to pipeline.yaml listing the claims to check`, found: 'none', hint: 'see docs/pipeline.md, "verify"' });
  }
  const src = YamlSource.parse(CLAIMS_FILE, text);
  const value = src.toJS();
  const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true, code: { optimize: false } }).compile(CLAIMS_SCHEMA);
  if (!validate(value)) throw explainSchemaErrors(src, value, validate.errors ?? [], CLAIMS_FILE);
  const claims = (value as { claims: Claim[] }).claims;
  const seen = new Set<string>();
  claims.forEach((c, i) => {
    if (seen.has(c.id)) throw src.errorAt(['claims', i, 'id'], { title: `duplicate claim id \`${c.id}\``, expected: 'a unique id per claim', found: `\`${c.id}\` again` });
    seen.add(c.id);
    const pub = c.published;
    const numeric = typeof pub === 'number';
    if (c.check.type === 'in_interval' && !(Array.isArray(pub) && pub[0]! <= pub[1]!)) {
      throw src.errorAt(['claims', i, 'published'], { title: `claim \`${c.id}\`: in_interval needs an interval`, expected: '[lo, hi] with lo <= hi', found: canonicalJson(pub) });
    }
    if ((c.check.type === 'within' || c.check.type === 'at_least' || c.check.type === 'at_most') && !numeric) {
      throw src.errorAt(['claims', i, 'published'], { title: `claim \`${c.id}\`: ${c.check.type} needs a number`, expected: 'a number', found: canonicalJson(pub) });
    }
    if (c.check.type === 'within' && c.check.tolerance === undefined) {
      throw src.errorAt(['claims', i, 'check'], { title: `claim \`${c.id}\`: within needs a tolerance`, expected: 'check: { type: within, tolerance: <number>, relative: <bool> }', found: 'no tolerance' });
    }
  });
  return { src, claims };
}

function pick(value: unknown, path: string | undefined): { ok: true; value: unknown } | { ok: false; at: string } {
  if (!path) return { ok: true, value };
  let v = value;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const k = parts[i]!;
    if (v !== null && typeof v === 'object' && k in (v as object)) v = (v as Record<string, unknown>)[k];
    else return { ok: false, at: parts.slice(0, i + 1).join('.') };
  }
  return { ok: true, value: v };
}

export function compare(claim: Claim, r: unknown): { pass: boolean; note?: string } {
  const tol = claim.check.tolerance ?? 0;
  const pub = claim.published;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  switch (claim.check.type) {
    case 'equals':
      return { pass: canonicalJson(r ?? null) === canonicalJson(pub) || (num(r) && typeof pub === 'number' && Math.abs((r as number) - pub) <= tol) };
    case 'within': {
      if (!num(r)) return { pass: false, note: `reproduced value is not a number` };
      const allowed = claim.check.relative ? tol * Math.abs(pub as number) : tol;
      const diff = Math.abs((r as number) - (pub as number));
      return { pass: diff <= allowed, note: diff <= allowed ? undefined : `off by ${fmt(diff)}, allowed ${fmt(allowed)}` };
    }
    case 'in_interval': {
      if (!num(r)) return { pass: false, note: 'reproduced value is not a number' };
      const [lo, hi] = pub as [number, number];
      return { pass: (r as number) >= lo - tol && (r as number) <= hi + tol };
    }
    case 'at_least':
      if (!num(r)) return { pass: false, note: 'reproduced value is not a number' };
      return { pass: (r as number) >= (pub as number) - tol };
    case 'at_most':
      if (!num(r)) return { pass: false, note: 'reproduced value is not a number' };
      return { pass: (r as number) <= (pub as number) + tol };
  }
}

export function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : canonicalJson(v);
}

export function evaluateClaims(root: string, plan: Plan, lock: LockFile, cache: FileHashCache, loaded: { src: YamlSource; claims: Claim[] }): ClaimResult[] {
  const profiles = new Set(Object.keys(plan.project.raw.profiles ?? {}));
  return loaded.claims.map((claim, i): ClaimResult => {
    for (const [j, p] of (claim.profiles ?? []).entries()) {
      if (profiles.size && !profiles.has(p)) throw loaded.src.errorAt(['claims', i, 'profiles', j], { title: `claim \`${claim.id}\` names unknown profile \`${p}\``, expected: `one of: ${[...profiles].join(', ')}`, found: `\`${p}\`` });
    }
    if (claim.profiles && !claim.profiles.includes(plan.profile)) return { claim, status: 'SKIP', reproduced: undefined, note: `profiles: ${claim.profiles.join(', ')}` };
    const name = claim.reproduced.instance;
    if (!plan.byName.has(name)) {
      throw loaded.src.errorAt(['claims', i, 'reproduced', 'instance'], { title: `claim \`${claim.id}\` names an instance that profile ${plan.profile} does not have`, expected: 'an instance name as `grokpipe dag --instances` prints it', found: `\`${name}\`` });
    }
    const entry = lock.profiles[plan.profile]?.[name];
    const manifest = readManifest(root, name);
    if (!entry || !manifest || manifest.key !== entry.key || !isIntact(root, name, manifest.outputs, cache)) {
      return { claim, status: 'FAIL', reproduced: undefined, note: `${name} is not built for profile ${plan.profile} (run grokpipe repro --profile ${plan.profile})` };
    }
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(instanceDir(root, name), claim.reproduced.file), 'utf8'));
    } catch (e) {
      return { claim, status: 'FAIL', reproduced: undefined, note: `cannot read ${claim.reproduced.file} of ${name} as JSON: ${(e as Error).message}` };
    }
    const got = pick(data, claim.reproduced.path);
    if (!got.ok) return { claim, status: 'FAIL', reproduced: undefined, note: `${claim.reproduced.file} of ${name} has no \`${got.at}\`` };
    const c = compare(claim, got.value);
    return { claim, status: c.pass ? 'PASS' : 'FAIL', reproduced: got.value, note: c.note };
  });
}

export function renderClaimsTable(results: ClaimResult[]): string {
  const rows = results.map((r) => [
    r.claim.id,
    r.claim.title ?? '',
    fmt(r.claim.published),
    r.status === 'SKIP' ? '—' : fmt(r.reproduced),
    r.claim.check.tolerance !== undefined ? `${r.claim.check.type} ±${fmt(r.claim.check.tolerance)}${r.claim.check.relative ? ' (rel)' : ''}` : r.claim.check.type,
    r.status,
  ]);
  const head = ['claim', 'title', 'published', 'reproduced', 'check', 'result'];
  const { lines, widths } = alignColumns([head, ...rows], [60, 40, 60, 60, 60, 60]);
  const out = [lines[0]!, widths.map((w) => '-'.repeat(w)).join('  ')];
  results.forEach((r, i) => {
    out.push(lines[i + 1]!);
    if (r.note && r.status !== 'PASS') out.push(`    ${r.status === 'SKIP' ? 'skipped' : 'why'}: ${r.note}`);
  });
  const n = (s: string) => results.filter((r) => r.status === s).length;
  out.push(`${n('PASS')} passed, ${n('FAIL')} failed, ${n('SKIP')} skipped`);
  return out.join('\n') + '\n';
}
