/**
 * Reading claims.yaml for the report. `grokpipe verify` validates the file fully (src/engine/claims.ts);
 * the report checks only the shape it relies on, so a malformed claim stops the report with a message
 * that names the claim instead of printing a wrong row.
 */
import { parse } from 'yaml';
import type { StudyClaim } from './input.ts';

const CHECKS = new Set(['within', 'in_interval', 'equals', 'at_least', 'at_most']);

export function parseClaims(text: string, where = 'claims.yaml'): StudyClaim[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (e) {
    throw new Error(`${where}: expected YAML, found a syntax error: ${(e as Error).message}`);
  }
  if (document === null || typeof document !== 'object' || !Array.isArray((document as { claims?: unknown }).claims)) {
    throw new Error(`${where}: expected a mapping with a \`claims:\` list at the top, found ${describe(document)}`);
  }
  return ((document as { claims: unknown[] }).claims).map((entry, i) => checkClaim(entry, `${where}: claims[${i}]`));
}

function checkClaim(entry: unknown, where: string): StudyClaim {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new Error(`${where}: expected a mapping, found ${describe(entry)}`);
  const c = entry as Record<string, unknown>;
  const id = typeof c.id === 'string' ? c.id : null;
  const at = id ? `${where} (\`${id}\`)` : where;
  if (id === null) throw new Error(`${where}: expected a string \`id\`, found ${describe(c.id)}`);
  const r = c.reproduced as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object' || typeof r.instance !== 'string' || typeof r.file !== 'string' || (r.path !== undefined && typeof r.path !== 'string')) {
    throw new Error(`${at}: expected \`reproduced: { instance: <name>, file: <file>, path: <dot path> }\`, found ${describe(r)}`);
  }
  const check = c.check as Record<string, unknown> | undefined;
  if (!check || typeof check !== 'object' || typeof check.type !== 'string' || !CHECKS.has(check.type)) {
    throw new Error(`${at}: expected \`check.type\` to be one of ${[...CHECKS].join(', ')}, found ${describe(check?.type)}`);
  }
  if (check.tolerance !== undefined && typeof check.tolerance !== 'number') throw new Error(`${at}: expected a number as \`check.tolerance\`, found ${describe(check.tolerance)}`);
  const p = c.published;
  const interval = Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number');
  if (!(typeof p === 'number' || typeof p === 'string' || typeof p === 'boolean' || interval)) {
    throw new Error(`${at}: expected \`published\` to be a number, [lo, hi], a string or a boolean, found ${describe(p)}`);
  }
  if (check.type === 'in_interval' && !interval) throw new Error(`${at}: in_interval needs \`published: [lo, hi]\`, found ${describe(p)}`);
  if ((check.type === 'within' || check.type === 'at_least' || check.type === 'at_most') && typeof p !== 'number') {
    throw new Error(`${at}: ${check.type} needs a number as \`published\`, found ${describe(p)}`);
  }
  if (c.profiles !== undefined && !(Array.isArray(c.profiles) && c.profiles.every((x) => typeof x === 'string'))) {
    throw new Error(`${at}: expected \`profiles\` to be a list of profile names, found ${describe(c.profiles)}`);
  }
  return {
    id,
    ...(typeof c.title === 'string' ? { title: c.title } : {}),
    published: p as StudyClaim['published'],
    reproduced: { instance: r.instance, file: r.file, ...(r.path !== undefined ? { path: r.path as string } : {}) },
    check: {
      type: check.type as StudyClaim['check']['type'],
      ...(check.tolerance !== undefined ? { tolerance: check.tolerance as number } : {}),
      ...(check.relative !== undefined ? { relative: check.relative === true } : {}),
    },
    ...(c.profiles !== undefined ? { profiles: c.profiles as string[] } : {}),
    ...(typeof c.why === 'string' ? { why: c.why } : {}),
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
