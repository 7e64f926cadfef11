/**
 * claims.yaml: published numbers beside the values the pipeline reproduced. Generic: a claim names an
 * instance, a JSON file in its folder and a path inside it, and a check. `verify` prints a table and
 * fails on any FAIL. A claim is only checked against an instance that is up to date for the profile
 * (its folder holds the key recorded in grokpipe.lock), so a stale artifact never passes; one whose
 * artifact is missing or another build's is NOT BUILT, its own state: nothing was measured, so nothing
 * failed (a CI tells "the build did not happen" from "the number is wrong" by the exit code). A claim
 * marked `expect: diverges` that still diverges is DIVERGES (explained), neither passed nor failed, so a
 * known divergence does not make verify fail forever; once it passes it FAILs, so the explanation is
 * revisited rather than left standing.
 *
 * What a claim is, which files are valid, how a path reads a value and the check itself live in the
 * shared core (src/core/claims.ts), which the study report uses too; this file adds where (file:line:col)
 * and the lock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Claim, claimsProblem, convergedNote, readPath, shortNumber, verdictOf } from '../../core/claims.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import { instanceDir, isIntact, readManifest } from '../store/artifacts.ts';
import { describeValue, GrokpipeError } from '../errors.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import type { LockFile } from '../store/lock-file.ts';
import type { Plan } from '../pipeline/plan.ts';
import { YamlSource } from '../yaml-source.ts';
import { alignColumns } from '../text-columns.ts';

export type { Claim, CheckType } from '../../core/claims.ts';

export const CLAIMS_FILE = 'claims.yaml';

export type ClaimStatus = 'PASS' | 'FAIL' | 'SKIP' | 'NOT BUILT' | 'DIVERGES';

export interface ClaimResult {
  claim: Claim;
  status: ClaimStatus;
  reproduced: unknown;
  /** Why it failed or was skipped; for DIVERGES, the claim's reason. */
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
  const problem = claimsProblem(value);
  if (problem) throw src.errorAt(problem.path, { title: problem.title, expected: problem.expected, found: nonFiniteFound(value, problem.path) ?? problem.found, ...(problem.hint ? { hint: problem.hint } : {}) }, problem.atKey);
  const claims = (value as { claims: Claim[] }).claims;
  return { src, claims };
}

/**
 * YAML's .nan and .inf are numbers JSON cannot write: the shared check describes them through JSON
 * ("the number null"), which names neither what was written nor why it is refused.
 */
function nonFiniteFound(document: unknown, path: readonly (string | number)[]): string | null {
  let v = document;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  const numbers = Array.isArray(v) ? v : [v];
  const bad = numbers.find((x) => typeof x === 'number' && !Number.isFinite(x)) as number | undefined;
  return bad === undefined ? null : describeValue(bad);
}

export function fmt(v: unknown): string {
  if (typeof v === 'number') return shortNumber(v);
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
    const notBuilt = `${name} is not built for profile ${plan.profile} (run grokpipe repro --profile ${plan.profile})`;
    if (!entry || !manifest) return { claim, status: 'NOT BUILT', reproduced: undefined, note: notBuilt };
    if (manifest.key !== entry.key) return { claim, status: 'NOT BUILT', reproduced: undefined, note: `${notBuilt}; artifacts/${name} holds another build` };
    // The folder claims the locked key but its files are not the locked outputs: an edit, not a missing build.
    if (!isIntact(root, name, manifest.outputs, cache)) return { claim, status: 'FAIL', reproduced: undefined, note: `artifacts/${name} was modified since it was built (grokpipe repro restores it)` };
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(instanceDir(root, name), claim.reproduced.file), 'utf8'));
    } catch (e) {
      return { claim, status: 'FAIL', reproduced: undefined, note: `cannot read ${claim.reproduced.file} of ${name} as JSON: ${(e as Error).message}` };
    }
    const got = readPath(data, claim.reproduced.path);
    if (!got.found) return { claim, status: 'FAIL', reproduced: undefined, note: `${claim.reproduced.file} of ${name} has no \`${got.missingAt}\`` };
    const c = verdictOf(claim, got.value);
    if (c.verdict === 'diverges') return { claim, status: 'DIVERGES', reproduced: got.value, note: claim.reason };
    if (c.verdict === 'converged') {
      const at = `${CLAIMS_FILE}:${loaded.src.locate(['claims', i, 'expect'], true).line}`;
      return { claim, status: 'FAIL', reproduced: got.value, note: convergedNote(at) };
    }
    return { claim, status: c.verdict === 'pass' ? 'PASS' : 'FAIL', reproduced: got.value, note: c.note };
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
    if (r.status === 'DIVERGES') out.push(`    DIVERGES (explained): ${r.note}`);
    else if (r.note && r.status !== 'PASS') out.push(`    ${r.status === 'SKIP' ? 'skipped' : 'why'}: ${r.note}`);
  });
  const n = (s: ClaimStatus) => results.filter((r) => r.status === s).length;
  const extra = `${n('NOT BUILT') ? `, ${n('NOT BUILT')} not built` : ''}${n('DIVERGES') ? `, ${n('DIVERGES')} diverge${n('DIVERGES') === 1 ? 's' : ''} (explained)` : ''}`;
  out.push(`${n('PASS')} passed, ${n('FAIL')} failed, ${n('SKIP')} skipped${extra}`);
  return out.join('\n') + '\n';
}

/**
 * `verify` (claims) exits 1 when a claim failed; else 3 when one could not be checked for want of a build.
 * DIVERGES counts for neither: an explained divergence that still diverges is what claims.yaml expects.
 */
export const EXIT_CLAIM_FAILED = 1;
export const EXIT_CLAIM_NOT_BUILT = 3;

export function claimsExitCode(results: readonly ClaimResult[]): number {
  if (results.some((r) => r.status === 'FAIL')) return EXIT_CLAIM_FAILED;
  if (results.some((r) => r.status === 'NOT BUILT')) return EXIT_CLAIM_NOT_BUILT;
  return 0;
}

/** `verify --json` without --lock (docs/json.md): each claim in claims.yaml's order. */
export function claimsDocument(profile: string, results: readonly ClaimResult[]) {
  const n = (s: ClaimStatus) => results.filter((r) => r.status === s).length;
  return {
    grokpipe: 'verify',
    version: 1,
    profile,
    counts: { pass: n('PASS'), fail: n('FAIL'), skip: n('SKIP'), 'not-built': n('NOT BUILT'), diverges: n('DIVERGES') },
    exitCode: claimsExitCode(results),
    claims: results.map((r) => ({
      id: r.claim.id,
      title: r.claim.title ?? null,
      status: r.status === 'NOT BUILT' ? 'not-built' : r.status.toLowerCase(),
      published: r.claim.published,
      reproduced: r.reproduced === undefined ? null : r.reproduced,
      instance: r.claim.reproduced.instance,
      file: r.claim.reproduced.file,
      path: r.claim.reproduced.path ?? null,
      check: { type: r.claim.check.type, tolerance: r.claim.check.tolerance ?? null, relative: r.claim.check.relative ?? false },
      expect: r.claim.expect ?? null,
      reason: r.claim.reason ?? null,
      note: r.note ?? null,
    })),
  };
}
