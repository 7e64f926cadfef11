/**
 * A claim of claims.yaml as the report shows it: the reproduced value read from its artifact exactly as
 * `grokpipe verify` reads it (instance, file, dot path), the check turned into the report's Tolerance, and
 * number formats chosen from the published value so that both sides print with the same precision.
 *
 * The verdict: for numeric checks the report's judge() decides from the Tolerance, which is built so that
 * it applies verify's very inequalities (bound = published - tolerance for at_least, and so on). Where the
 * Tolerance cannot say it (a value that is not a number, a missing field, `equals` on text or booleans),
 * the mark is decided here with verify's rule and stated in the cell. A claim marked `expect: diverges`
 * is decided here too, by verify's rule: DIVERGES with its reason while it diverges, FAIL once it passes.
 */
import { canonicalJson } from '../../../core/canonical-json.ts';
import { convergedNote, judgeClaim, readPath, verdictOf } from '../../../core/claims.ts';
import type { ComparisonCell, Estimate, NumberFormat, Quantity, Tolerance } from '../model.ts';
import { formatNumber, formatShort } from '../format.ts';
import type { StudyArtifact, StudyClaim } from './input.ts';

/** The artifact a claim names, or null when the report was not given that instance's file. */
export function findArtifact(artifacts: readonly StudyArtifact[], instance: string, file: string): StudyArtifact | null {
  return artifacts.find((a) => a.instance === instance && a.file === file) ?? null;
}

/**
 * The check as a report Tolerance, with verify's inequalities:
 *   within        |r - p| <= t (absolute) or t |p| (relative)
 *   at_least      r >= p - t          at_most  r <= p + t
 *   in_interval   lo - t <= r <= hi + t
 *   equals        a number: |r - p| <= t; text or a boolean: the same value
 */
export function claimTolerance(claim: StudyClaim): Tolerance {
  const t = claim.check.tolerance ?? 0;
  const p = claim.published;
  switch (claim.check.type) {
    case 'within':
      return claim.check.relative ? { kind: 'relative', within: t } : { kind: 'absolute', within: t };
    case 'at_least':
      return { kind: 'atLeast', bound: (p as number) - t };
    case 'at_most':
      return { kind: 'atMost', bound: (p as number) + t };
    case 'in_interval': {
      const [lo, hi] = p as [number, number];
      return { kind: 'between', low: lo - t, high: hi + t };
    }
    case 'equals':
      return typeof p === 'number' ? { kind: 'absolute', within: t } : { kind: 'match' };
  }
}

/** Digits after the decimal point in a number's shortest form: 0.83 -> 2, 0.968 -> 3, 25000 -> 0. */
function decimalsOf(x: number): number {
  const text = String(Math.abs(x));
  const exponent = text.indexOf('e-');
  if (exponent >= 0) {
    const mantissa = text.slice(0, exponent);
    const dot = mantissa.indexOf('.');
    return (dot < 0 ? 0 : mantissa.length - dot - 1) + Number(text.slice(exponent + 2));
  }
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * One format for both sides of a claim, from the published number(s): as many decimals as the paper
 * printed (at least 2, at most 4; 3 for values below 0.1 and against a bound, so that 0.9987 does not
 * print as the 1.00 that would hide its distance to "R² > 0.95"), whole numbers of 2 or more as integers
 * when the reproduced value is whole too (step and seed counts; a share published as 1 stays 1.00), and
 * a times sign for ratios (a path ending in "Ratio" or "...Over...").
 */
export function claimFormat(claim: StudyClaim, reproduced: unknown): NumberFormat {
  const published = typeof claim.published === 'number' ? [claim.published] : Array.isArray(claim.published) ? claim.published : [];
  const last = (claim.reproduced.path ?? '').split('.').pop() ?? '';
  if (published.length === 0) return { kind: 'significant', digits: 3 };
  const ratio = /(^r|R)atio|Over[A-Z0-9]/.test(last);
  const whole = (x: unknown) => typeof x === 'number' && Number.isInteger(x);
  const large = published.every((x) => Math.abs(x) >= 2);
  if (!ratio && large && published.every(whole) && (reproduced === null || reproduced === undefined || whole(reproduced))) return { kind: 'integer' };
  let digits = Math.min(4, Math.max(2, ...published.map(decimalsOf)));
  const bound = claim.check.type === 'at_least' || claim.check.type === 'at_most';
  if (bound || Math.max(...published.map(Math.abs)) < 0.1) digits = Math.max(digits, 3);
  return ratio ? { kind: 'times', digits } : { kind: 'fixed', digits };
}

/** A JSON value as words: strings as they are, booleans and everything else as canonical JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value ?? null, { nonFinite: 'null' });
}

/**
 * An at_least / at_most claim without a tolerance publishes a bound ("R² > 0.95"), not a value: it reads
 * "≥ 0.95". Null for every other claim.
 */
export function publishedBound(claim: StudyClaim): string | null {
  const p = claim.published;
  if (typeof p !== 'number' || claim.check.tolerance || (claim.check.type !== 'at_least' && claim.check.type !== 'at_most')) return null;
  return `${claim.check.type === 'at_least' ? '≥' : '≤'} ${formatShort(p)}`;
}

export function publishedQuantity(claim: StudyClaim, format: NumberFormat): Quantity {
  const p = claim.published;
  const bound = publishedBound(claim);
  if (bound !== null) return { text: bound };
  if (typeof p === 'number') return { value: p, format };
  if (Array.isArray(p)) return { text: `[${formatNumber(p[0], format)}, ${formatNumber(p[1], format)}]` };
  return { text: valueText(p) };
}

/**
 * The paired-bootstrap interval that the analyses store beside a statistic: for a path ending in `X`, the
 * sibling `bootstrap.X` with numeric `lower` and `upper` whose `estimate` is the value itself.
 */
function siblingInterval(document: unknown, path: string | undefined, value: number): { low: number; high: number } | null {
  if (!path) return null;
  const parts = path.split('.');
  const name = parts.pop() as string;
  const ci = readPath(document, [...parts, 'bootstrap', name].join('.'));
  if (!ci.found || ci.value === null || typeof ci.value !== 'object') return null;
  const { estimate, lower, upper } = ci.value as Record<string, unknown>;
  if (estimate !== value || typeof lower !== 'number' || typeof upper !== 'number') return null;
  return { low: lower, high: upper };
}

/**
 * The mark of a claim that expects to diverge, with verify's words; null for every other claim. A value
 * that is not a number never reaches here (it FAILs above, as in verify).
 */
function expectedDivergence(claim: StudyClaim, value: unknown): { mark: 'DIVERGES' | 'FAIL'; why: string } | null {
  if (claim.expect !== 'diverges') return null;
  const v = verdictOf(claim, value);
  if (v.verdict === 'diverges') return { mark: 'DIVERGES', why: claim.reason ?? '' };
  if (v.verdict === 'converged') return { mark: 'FAIL', why: convergedNote(`claim ${claim.id} of claims.yaml`) };
  return null;
}

export interface ClaimComparison {
  claim: StudyClaim;
  /** `instance/file: path`, for the reader to trace the value. */
  source: string;
  cell: ComparisonCell;
  /** The value read from the artifact (undefined: not available to the report). */
  reproduced: unknown;
}

/** The comparison cell of one claim against the report's artifacts. */
export function compareClaim(claim: StudyClaim, artifacts: readonly StudyArtifact[]): ClaimComparison {
  const { instance, file, path } = claim.reproduced;
  const source = `${instance}/${file}${path ? `: ${path}` : ''}`;
  const tolerance = claimTolerance(claim);
  const base = { kind: 'comparison' as const, tolerance };
  // A claim whose reproduced value cannot be read: the published side, and what stands for ours.
  const unread = (cell: Omit<ComparisonCell, 'kind' | 'tolerance' | 'published'>): ClaimComparison => ({
    claim,
    source,
    reproduced: undefined,
    cell: { ...base, published: publishedQuantity(claim, claimFormat(claim, undefined)), ...cell },
  });
  const artifact = findArtifact(artifacts, instance, file);
  if (artifact === null) {
    return unread({
      reproduced: null,
      why: `${instance}/${file} is not among the report's inputs; wire that instance into the report stage to judge this claim here`,
    });
  }
  const reading = readPath(artifact.data, path);
  if (!reading.found) {
    // verify fails both; the words differ: a value the analysis could not compute, or a wrong path
    return unread({
      reproduced: { text: reading.nullAt === null ? 'no such field' : 'not computed' },
      mark: 'FAIL',
      why:
        reading.nullAt === null
          ? `${file} of ${instance} has no \`${reading.missingAt}\`; check the claim's path`
          : `${reading.nullAt} is null in ${instance}/${file}: the analysis could not compute it (e.g. too few cells grokked)`,
    });
  }
  const value = reading.value;
  const format = claimFormat(claim, value);
  const published = publishedQuantity(claim, format);
  const numericCheck = claim.check.type !== 'equals' || typeof claim.published === 'number';
  if (typeof value === 'number' && Number.isFinite(value) && numericCheck) {
    const interval = siblingInterval(artifact.data, path, value);
    const estimate: Estimate = interval ? { value, format, ...interval } : { value, format };
    const expected = expectedDivergence(claim, value);
    return { claim, source, reproduced: value, cell: { ...base, published, reproduced: estimate, ...(claim.why ? { why: claim.why } : {}), ...(expected ?? {}) } };
  }
  if (numericCheck) {
    return {
      claim,
      source,
      reproduced: value,
      cell: {
        ...base,
        published,
        reproduced: { text: value === null ? 'not computed' : valueText(value) },
        mark: 'FAIL',
        why:
          value === null
            ? `${path ?? 'the value'} is null in ${instance}/${file}: the analysis could not compute it (e.g. a cell whose median T_grok is not finite)`
            : `expected a number at ${path ?? 'the document root'}, found ${valueText(value)}`,
      },
    };
  }
  // equals on text or a boolean: verify's own check (canonical JSON equality)
  const same = judgeClaim(claim, value).pass;
  return {
    claim,
    source,
    reproduced: value,
    cell: { ...base, published, reproduced: { text: valueText(value) }, mark: same ? 'PASS' : 'FAIL', ...(claim.why ? { why: claim.why } : {}), ...(expectedDivergence(claim, value) ?? {}) },
  };
}
