/**
 * The shared claims core (src/core/claims.ts): one validator, one path reader, one check, used by both
 * `grokpipe verify` and the study report. Bad claims files are refused with the field's path.
 */
import { describe, expect, it } from 'vitest';
import { type Claim, claimsProblem, judgeClaim, readPath, verdictOf } from '../../src/core/claims.ts';
import { parseClaims } from '../../src/grok/report/study/index.ts';

const good = { id: 'c', published: 1, reproduced: { instance: 'a', file: 'r.json', path: 'x' }, check: { type: 'within', tolerance: 0.1 } };
const withClaim = (patch: Record<string, unknown>) => ({ claims: [{ ...good, ...patch }] });

describe('claims files', () => {
  it('accepts a valid file', () => expect(claimsProblem({ claims: [good] })).toBeNull());
  it('accepts an expected divergence with its reason', () => expect(claimsProblem(withClaim({ expect: 'diverges', reason: 'another calibration' }))).toBeNull());
  it.each([
    ['a traversal file name', { reproduced: { instance: 'a', file: '../../etc/passwd' } }, ['claims', 0, 'reproduced', 'file'], /escapes its folder/],
    ['an absolute file name', { reproduced: { instance: 'a', file: '/etc/passwd' } }, ['claims', 0, 'reproduced', 'file'], /escapes its folder/],
    ['a backslash file name', { reproduced: { instance: 'a', file: '..\\x.json' } }, ['claims', 0, 'reproduced', 'file'], /escapes its folder/],
    ['a NUL in a file name', { reproduced: { instance: 'a', file: 'r.json\0' } }, ['claims', 0, 'reproduced', 'file'], /escapes its folder/],
    ['an unknown check', { check: { type: 'approximately' } }, ['claims', 0, 'check', 'type'], /unknown check type/],
    ['a NaN tolerance', { check: { type: 'within', tolerance: Number.NaN } }, ['claims', 0, 'check', 'tolerance'], /wrong type/],
    ['an unknown field', { extra: 1 }, ['claims', 0, 'extra'], /unknown field `extra`/],
    ['a reversed interval', { published: [2, 1], check: { type: 'in_interval' } }, ['claims', 0, 'published'], /needs an interval/],
    ['within without tolerance', { check: { type: 'within' } }, ['claims', 0, 'check'], /needs a tolerance/],
    ['an expectation other than diverges', { expect: 'fails' }, ['claims', 0, 'expect'], /unknown expectation/],
    ['expect: diverges without a reason', { expect: 'diverges' }, ['claims', 0], /without a reason/],
    ['expect: diverges with a blank reason', { expect: 'diverges', reason: '  ' }, ['claims', 0, 'reason'], /empty reason/],
    ['expect: diverges with a reason that is not text', { expect: 'diverges', reason: 3 }, ['claims', 0, 'reason'], /empty reason/],
    ['a reason without expect: diverges', { reason: 'because' }, ['claims', 0, 'reason'], /without `expect: diverges`/],
  ])('refuses %s, naming the field', (_what, patch, path, title) => {
    const p = claimsProblem(withClaim(patch));
    expect(p?.path).toEqual(path);
    expect(p?.title).toMatch(title);
  });
  it('refuses duplicate ids and documents that are not mappings or lists', () => {
    expect(claimsProblem({ claims: [good, good] })?.title).toBe('duplicate claim id `c`');
    expect(claimsProblem([])?.path).toEqual([]);
    expect(claimsProblem({ claims: null })?.path).toEqual(['claims']);
    expect(claimsProblem({ claims: [null] })?.path).toEqual(['claims', 0]);
  });
  it('the report refuses what verify refuses, with the same words', () => {
    expect(() => parseClaims('claims:\n  - { id: c, published: 1, reproduced: { instance: a, file: ../x.json }, check: { type: equals } }\n')).toThrow(
      'claims.yaml: claims[0].reproduced.file: path escapes its folder in a claim',
    );
  });
});

describe('reading a value and checking it', () => {
  it('follows own keys only: a path through `constructor` or `__proto__` is missing, not a function', () => {
    expect(readPath({ a: { b: [5, 6] } }, 'a.b.1')).toEqual({ found: true, value: 6 });
    expect(readPath({ a: {} }, 'a.constructor')).toEqual({ found: false, missingAt: 'a.constructor', nullAt: null });
    expect(readPath({ a: null }, 'a.b')).toEqual({ found: false, missingAt: 'a.b', nullAt: 'a' });
  });
  it('applies each check with its tolerance, and fails a value that is not a number', () => {
    const claim = (check: Claim['check'], published: Claim['published']): Claim => ({ id: 'x', published, reproduced: { instance: 'a', file: 'f' }, check });
    expect(judgeClaim(claim({ type: 'within', tolerance: 0.1, relative: true }, 10), 10.9).pass).toBe(true);
    expect(judgeClaim(claim({ type: 'within', tolerance: 0.1, relative: true }, 10), 11.1)).toEqual({ pass: false, note: 'off by 1.1, allowed 1' });
    expect(judgeClaim(claim({ type: 'in_interval', tolerance: 0.5 }, [1, 2]), 2.5).pass).toBe(true);
    expect(judgeClaim(claim({ type: 'at_least' }, 3), 2.99).pass).toBe(false);
    expect(judgeClaim(claim({ type: 'at_most', tolerance: 1 }, 3), 4).pass).toBe(true);
    expect(judgeClaim(claim({ type: 'equals' }, 'robust'), 'robust').pass).toBe(true);
    expect(judgeClaim(claim({ type: 'equals' }, true), 'true').pass).toBe(false);
    expect(judgeClaim(claim({ type: 'at_least' }, 3), '4')).toEqual({ pass: false, note: 'reproduced value is not a number', notANumber: true });
  });
  it('an expected divergence diverges while the check fails, converges once it passes, and never covers a non-number', () => {
    const diverging: Claim = { id: 'x', published: 10, reproduced: { instance: 'a', file: 'f' }, check: { type: 'within', tolerance: 0.1, relative: true }, expect: 'diverges', reason: 'r' };
    expect(verdictOf(diverging, 12).verdict).toBe('diverges');
    expect(verdictOf(diverging, 10.5).verdict).toBe('converged');
    expect(verdictOf(diverging, null).verdict).toBe('fail');
    const plain: Claim = { ...diverging, expect: undefined, reason: undefined };
    expect([verdictOf(plain, 12).verdict, verdictOf(plain, 10.5).verdict]).toEqual(['fail', 'pass']);
  });
});
