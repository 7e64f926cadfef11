/**
 * claims.yaml's claims, shared by `grokpipe verify` (src/engine/claims.ts, which adds file:line:col and
 * the lock) and the study report (src/grok/report/study/, which adds formats and tolerances): what a claim
 * is, which documents are valid claims files, how a dot path reads a value out of an artifact, and the
 * check itself. One rule, so that the report's verdict and verify's can never disagree.
 *
 * The shared core: it imports nothing outside src/core, so both the engine and src/grok may import it.
 */
import { canonicalJson } from './canonical-json.ts';
import { unsafeNameReason } from './safe-names.ts';

export const CHECK_TYPES = ['within', 'in_interval', 'equals', 'at_least', 'at_most'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

export interface Claim {
  id: string;
  title?: string;
  /** What the paper states: a number, an interval [lo, hi], a string or a boolean. */
  published: number | [number, number] | string | boolean;
  /** The artifact value checked against it: a JSON file of an instance and a dot path inside it. */
  reproduced: { instance: string; file: string; path?: string };
  check: { type: CheckType; tolerance?: number; relative?: boolean };
  /** The profiles the claim is checked under; absent: every profile. */
  profiles?: string[];
  why?: string;
  /**
   * `diverges`: a known, explained divergence. verify shows it as DIVERGES (explained) with `reason`,
   * counts it as neither passed nor failed, and fails once it passes (the explanation must be revisited).
   */
  expect?: 'diverges';
  /** Why the claim diverges (required with `expect: diverges`): a sentence shown to the user. */
  reason?: string;
}

/**
 * How a claim came out against a value read from its artifact: `diverges` is an expected divergence that
 * still diverges; `converged` one that passes now, which is a failure (the explanation is out of date).
 */
export type Verdict = 'pass' | 'fail' | 'diverges' | 'converged';

/** Where a claims document is wrong: the field's path (e.g. ['claims', 2, 'check', 'type']) and what. */
export interface ClaimProblem {
  path: Array<string | number>;
  title: string;
  expected: string;
  found: string;
  /** The path names a key (an unknown field), not a value. */
  atKey?: boolean;
  /** What to do, where the fix is not evident from `expected`. */
  hint?: string;
}

const CLAIM_FIELDS = ['id', 'title', 'published', 'reproduced', 'check', 'profiles', 'why', 'expect', 'reason'];
const REPRODUCED_FIELDS = ['instance', 'file', 'path'];
const CHECK_FIELDS = ['type', 'tolerance', 'relative'];

/** A short description of a value for `found:` (no dependency on the engine's describeValue). */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The first problem of a parsed claims document, or null when it is a valid list of claims. */
export function claimsProblem(document: unknown): ClaimProblem | null {
  if (!isMapping(document)) return { path: [], title: 'claims file is not a mapping', expected: 'a mapping with a `claims:` list at the top', found: describeJson(document) };
  for (const k of Object.keys(document)) if (k !== 'claims') return { path: [k], atKey: true, title: `unknown field \`${k}\` in claims file`, expected: 'only `claims:`', found: `\`${k}\`` };
  if (!Array.isArray(document.claims)) return { path: ['claims'], title: 'wrong type in claims file', expected: 'a list of claims', found: describeJson(document.claims) };
  const seen = new Set<string>();
  for (let i = 0; i < document.claims.length; i++) {
    const problem = claimProblem(document.claims[i], ['claims', i], seen);
    if (problem) return problem;
  }
  return null;
}

function claimProblem(c: unknown, at: Array<string | number>, seen: Set<string>): ClaimProblem | null {
  const wrong = (field: Array<string | number>, expected: string, found: unknown, title = `wrong type in claim ${at[1]}`): ClaimProblem => ({ path: [...at, ...field], title, expected, found: describeJson(found) });
  if (!isMapping(c)) return wrong([], 'a mapping with id, published, reproduced, check', c);
  const unknown = (obj: Record<string, unknown>, allowed: string[], where: Array<string | number>): ClaimProblem | null => {
    const extra = Object.keys(obj).find((k) => !allowed.includes(k));
    return extra === undefined ? null : { path: [...at, ...where, extra], atKey: true, title: `unknown field \`${extra}\` in a claim`, expected: `one of: ${allowed.join(', ')}`, found: `\`${extra}\`` };
  };
  const extra = unknown(c, CLAIM_FIELDS, []);
  if (extra) return extra;
  for (const f of ['id', 'published', 'reproduced', 'check']) if (!(f in c)) return { path: at, title: `missing field \`${f}\` in a claim`, expected: `a \`${f}:\` entry`, found: 'none' };
  if (typeof c.id !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(c.id)) return wrong(['id'], 'an id of letters, digits, _ . -', c.id);
  const id = c.id;
  if (seen.has(id)) return { path: [...at, 'id'], title: `duplicate claim id \`${id}\``, expected: 'a unique id per claim', found: `\`${id}\` again` };
  seen.add(id);
  if (c.title !== undefined && typeof c.title !== 'string') return wrong(['title'], 'a string', c.title);
  if (c.why !== undefined && typeof c.why !== 'string') return wrong(['why'], 'a string', c.why);
  const expectation = expectProblem(c, at, id);
  if (expectation) return expectation;
  if (c.profiles !== undefined && !(Array.isArray(c.profiles) && c.profiles.every((p) => typeof p === 'string'))) return wrong(['profiles'], 'a list of profile names', c.profiles);
  const r = c.reproduced;
  if (!isMapping(r)) return wrong(['reproduced'], '{ instance: <name>, file: <file>, path: <dot path> }', r);
  const rExtra = unknown(r, REPRODUCED_FIELDS, ['reproduced']);
  if (rExtra) return rExtra;
  if (typeof r.instance !== 'string' || r.instance === '') return wrong(['reproduced', 'instance'], 'an instance name', r.instance);
  if (typeof r.file !== 'string' || unsafeNameReason(r.file) !== null) {
    return wrong(['reproduced', 'file'], 'a relative path inside the instance folder: no leading "/", no ".." segment, no backslash', r.file, typeof r.file === 'string' ? `path escapes its folder in a claim: ${unsafeNameReason(r.file)}` : undefined);
  }
  if (r.path !== undefined && typeof r.path !== 'string') return wrong(['reproduced', 'path'], 'a dot path such as cells.1.verdict', r.path);
  const check = c.check;
  if (!isMapping(check)) return wrong(['check'], `{ type: ${CHECK_TYPES.join(' | ')}, tolerance: <number>, relative: <bool> }`, check);
  const cExtra = unknown(check, CHECK_FIELDS, ['check']);
  if (cExtra) return cExtra;
  if (typeof check.type !== 'string' || !(CHECK_TYPES as readonly string[]).includes(check.type)) {
    return wrong(['check', 'type'], `one of: ${CHECK_TYPES.join(', ')}`, check.type, `claim \`${id}\`: unknown check type`);
  }
  if (check.tolerance !== undefined && !(typeof check.tolerance === 'number' && Number.isFinite(check.tolerance) && check.tolerance >= 0)) return wrong(['check', 'tolerance'], 'a number >= 0', check.tolerance);
  if (check.relative !== undefined && typeof check.relative !== 'boolean') return wrong(['check', 'relative'], 'true or false', check.relative);
  const p = c.published;
  const interval = Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!((typeof p === 'number' && Number.isFinite(p)) || typeof p === 'string' || typeof p === 'boolean' || interval)) {
    return wrong(['published'], 'a number, [lo, hi], a string or a boolean', p);
  }
  if (check.type === 'in_interval' && !(interval && (p as number[])[0]! <= (p as number[])[1]!)) {
    return { path: [...at, 'published'], title: `claim \`${id}\`: in_interval needs an interval`, expected: '[lo, hi] with lo <= hi', found: canonicalJson(p) };
  }
  if ((check.type === 'within' || check.type === 'at_least' || check.type === 'at_most') && typeof p !== 'number') {
    return { path: [...at, 'published'], title: `claim \`${id}\`: ${check.type} needs a number`, expected: 'a number', found: canonicalJson(p) };
  }
  if (check.type === 'within' && check.tolerance === undefined) {
    return { path: [...at, 'check'], title: `claim \`${id}\`: within needs a tolerance`, expected: 'check: { type: within, tolerance: <number>, relative: <bool> }', found: 'no tolerance' };
  }
  return null;
}

const EXPECT_HINT = 'a known divergence takes `expect: diverges` and `reason: "<why, in a sentence>"`; a claim that must pass takes neither (see docs/pipeline.md, "claims.yaml")';

/** `expect:` is `diverges` or absent; with it a non-empty `reason:`, and no `reason:` without it. */
function expectProblem(c: Record<string, unknown>, at: Array<string | number>, id: string): ClaimProblem | null {
  if (c.expect !== undefined && c.expect !== 'diverges') {
    return { path: [...at, 'expect'], title: `claim \`${id}\`: unknown expectation`, expected: '`diverges` (a known, explained divergence); leave `expect:` out for a claim that must pass', found: describeJson(c.expect), hint: EXPECT_HINT };
  }
  const blank = typeof c.reason !== 'string' || c.reason.trim() === '';
  if (c.expect === 'diverges' && !('reason' in c)) {
    return { path: at, title: `claim \`${id}\`: \`expect: diverges\` without a reason`, expected: 'a `reason:` entry: a sentence saying why the reproduction diverges, shown by verify and the report', found: 'none', hint: EXPECT_HINT };
  }
  if (c.expect === 'diverges' && blank) {
    return { path: [...at, 'reason'], title: `claim \`${id}\`: empty reason for \`expect: diverges\``, expected: 'a sentence saying why the reproduction diverges', found: describeJson(c.reason), hint: EXPECT_HINT };
  }
  if (c.expect === undefined && 'reason' in c) {
    return { path: [...at, 'reason'], atKey: true, title: `claim \`${id}\`: \`reason:\` without \`expect: diverges\``, expected: '`expect: diverges` beside it (a known divergence), or no `reason:` (use `why:` for a claim that must pass)', found: '`reason:` alone', hint: EXPECT_HINT };
  }
  return null;
}

/** `nullAt`: the path ran into a null before its end (the analysis stored no value there). */
export type PathReading = { found: true; value: unknown } | { found: false; missingAt: string; nullAt: string | null };

/**
 * The value at a dot path ("bootstrap.recoveryFraction.lower", "cells.1.verdict"): each segment must be
 * a key of the current object or array (array indices are keys too). No path: the whole document.
 */
export function readPath(document: unknown, path: string | undefined): PathReading {
  if (!path) return { found: true, value: document };
  let value = document;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i]!;
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key)) value = (value as Record<string, unknown>)[key];
    else return { found: false, missingAt: parts.slice(0, i + 1).join('.'), nullAt: value === null && i > 0 ? parts.slice(0, i).join('.') : null };
  }
  return { found: true, value };
}

/** Whether a claim is checked under the profile (no `profiles` list: every profile). */
export function claimApplies(claim: Claim, profile: string): boolean {
  return claim.profiles === undefined || claim.profiles.includes(profile);
}

const NOT_A_NUMBER = { pass: false, note: 'reproduced value is not a number', notANumber: true } as const;

/**
 * The check, verify's rule:
 *   within        |r - p| <= t (absolute) or t |p| (relative)
 *   at_least      r >= p - t          at_most  r <= p + t
 *   in_interval   lo - t <= r <= hi + t
 *   equals        the same canonical JSON, or for numbers |r - p| <= t
 * `note` says why a check failed where the numbers alone do not (not a number, how far off).
 */
export function judgeClaim(claim: Claim, r: unknown): { pass: boolean; note?: string; notANumber?: true } {
  const tol = claim.check.tolerance ?? 0;
  const pub = claim.published;
  const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  switch (claim.check.type) {
    case 'equals':
      return { pass: canonicalJson(r ?? null, { nonFinite: 'null' }) === canonicalJson(pub, { nonFinite: 'null' }) || (num(r) && typeof pub === 'number' && Math.abs(r - pub) <= tol) };
    case 'within': {
      if (!num(r)) return NOT_A_NUMBER;
      const allowed = claim.check.relative ? tol * Math.abs(pub as number) : tol;
      const diff = Math.abs(r - (pub as number));
      return { pass: diff <= allowed, note: diff <= allowed ? undefined : `off by ${shortNumber(diff)}, allowed ${shortNumber(allowed)}` };
    }
    case 'in_interval': {
      if (!num(r)) return NOT_A_NUMBER;
      const [lo, hi] = pub as [number, number];
      return { pass: r >= lo - tol && r <= hi + tol };
    }
    case 'at_least':
      if (!num(r)) return NOT_A_NUMBER;
      return { pass: r >= (pub as number) - tol };
    case 'at_most':
      if (!num(r)) return NOT_A_NUMBER;
      return { pass: r <= (pub as number) + tol };
  }
}

/**
 * The check with the claim's expectation. An expected divergence diverges only when a value was measured
 * and is off: a value that is not a number is a broken analysis, which no explanation covers.
 */
export function verdictOf(claim: Claim, r: unknown): { verdict: Verdict; note?: string } {
  const j = judgeClaim(claim, r);
  if (claim.expect !== 'diverges' || j.notANumber) return { verdict: j.pass ? 'pass' : 'fail', note: j.note };
  return { verdict: j.pass ? 'converged' : 'diverges', note: j.note };
}

/** What to do once a claim that expects to diverge passes: `where` names its `expect:` in claims.yaml. */
export function convergedNote(where: string): string {
  return `the divergence is gone: the claim passes now; remove \`expect: diverges\` (and its reason) from ${where}`;
}

/** A number as verify prints it: integers as they are, others to 4 significant digits. */
export function shortNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
