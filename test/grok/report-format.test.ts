import { describe, expect, it } from 'vitest';
import { describeTolerance, judge, markOf } from '../../src/grok/report/compare.ts';
import { escapeMarkdown, escapeXml } from '../../src/grok/report/escape.ts';
import { formatEstimate, formatNumber, formatShort, MINUS, THIN_SPACE } from '../../src/grok/report/format.ts';

describe('formatNumber', () => {
  it('prints fixed, significant, percent, integer and times formats exactly', () => {
    expect(formatNumber(0.9684, { kind: 'fixed', digits: 3 })).toBe('0.968');
    expect(formatNumber(3.41, { kind: 'significant', digits: 3 })).toBe('3.41');
    expect(formatNumber(123456, { kind: 'significant', digits: 3 })).toBe('123000');
    expect(formatNumber(0.31, { kind: 'percent', digits: 0 })).toBe('31%');
    expect(formatNumber(25000, { kind: 'integer' })).toBe(`25${THIN_SPACE}000`);
    expect(formatNumber(2500, { kind: 'integer' })).toBe('2500');
    expect(formatNumber(3.4291, { kind: 'times', digits: 2 })).toBe('3.43×');
  });

  it('uses a true minus sign and never prints a negative zero', () => {
    expect(formatNumber(-1.5, { kind: 'fixed', digits: 1 })).toBe(`${MINUS}1.5`);
    expect(formatNumber(-0.0001, { kind: 'fixed', digits: 2 })).toBe('0.00');
    expect(formatNumber(-0, { kind: 'integer' })).toBe('0');
    expect(formatNumber(-1234567, { kind: 'integer' })).toBe(`${MINUS}1${THIN_SPACE}234${THIN_SPACE}567`);
  });

  it('writes very large and very small numbers with a power of ten', () => {
    expect(formatNumber(2.5e-7, { kind: 'significant', digits: 2 })).toBe('2.5×10⁻⁷');
    expect(formatNumber(6.02e23, { kind: 'significant', digits: 3 })).toBe('6.02×10²³');
  });

  it('prints NaN as a dash and infinities as ∞', () => {
    expect(formatNumber(Number.NaN, { kind: 'fixed', digits: 2 })).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY, { kind: 'integer' })).toBe('∞');
    expect(formatNumber(Number.NEGATIVE_INFINITY, { kind: 'integer' })).toBe(`${MINUS}∞`);
  });

  it('rejects a digit count that is not a small whole number', () => {
    expect(() => formatNumber(1, { kind: 'fixed', digits: 2.5 })).toThrow(/digit count/);
    expect(() => formatNumber(1, { kind: 'significant', digits: 0 })).toThrow(/digit count/);
  });

  it('formats an estimate with its interval and an "about"', () => {
    expect(formatEstimate({ value: 0.83, low: 0.82, high: 0.85, format: { kind: 'fixed', digits: 2 } })).toBe('0.83 [0.82, 0.85]');
    expect(formatEstimate({ value: 0.95, approx: true, format: { kind: 'fixed', digits: 2 } })).toBe('≈ 0.95');
  });

  it('prints parameters in their shortest form', () => {
    expect(formatShort(0.05)).toBe('0.05');
    expect(formatShort(0.1 + 0.2)).toBe('0.3');
    expect(formatShort(20)).toBe('20');
  });
});

describe('judging a reproduced value against the published one', () => {
  const n = (value: number) => ({ value, format: { kind: 'fixed', digits: 2 } as const });

  it('applies each tolerance at its boundary', () => {
    expect(judge(n(0.83), n(0.83 + 0.05), { kind: 'absolute', within: 0.05 + 1e-12 })).toBe('PASS');
    expect(judge(n(0.83), n(0.83 + 0.0501), { kind: 'absolute', within: 0.05 })).toBe('FAIL');
    expect(judge(n(3.43), n(3.43 * 1.2), { kind: 'relative', within: 0.2 + 1e-12 })).toBe('PASS');
    expect(judge(n(3.43), n(3.43 * 1.21), { kind: 'relative', within: 0.2 })).toBe('FAIL');
    expect(judge(n(3.43), n(3.43 / 1.25), { kind: 'factor', within: 1.25 + 1e-12 })).toBe('PASS');
    expect(judge(n(3.43), n(3.43 / 1.3), { kind: 'factor', within: 1.25 })).toBe('FAIL');
    expect(judge({ text: '> 0.95' }, n(0.951), { kind: 'atLeast', bound: 0.95 })).toBe('PASS');
    expect(judge({ text: '> 0.95' }, n(0.949), { kind: 'atLeast', bound: 0.95 })).toBe('FAIL');
    expect(judge(n(0.02), n(0.06), { kind: 'atMost', bound: 0.05 })).toBe('FAIL');
    expect(judge({ text: '[0.82, 0.85]' }, n(0.82), { kind: 'between', low: 0.82, high: 0.85 })).toBe('PASS');
    expect(judge({ text: '[0.82, 0.85]' }, n(0.85), { kind: 'between', low: 0.82, high: 0.85 })).toBe('PASS');
    expect(judge({ text: '[0.82, 0.85]' }, n(0.8199), { kind: 'between', low: 0.82, high: 0.85 })).toBe('FAIL');
    expect(judge({ text: '[0.82, 0.85]' }, n(0.8501), { kind: 'between', low: 0.82, high: 0.85 })).toBe('FAIL');
  });

  it('matches categorical verdicts by text', () => {
    expect(judge({ text: 'precision-robust' }, { text: 'precision-robust' }, { kind: 'match' })).toBe('PASS');
    expect(judge({ text: 'every seed' }, { text: '3 of 4 seeds' }, { kind: 'match' })).toBe('FAIL');
  });

  it('gives no verdict when there is nothing to judge', () => {
    expect(judge(n(1), null, { kind: 'absolute', within: 1 })).toBe('—');
    expect(judge(n(1), n(5), { kind: 'none' })).toBe('—');
    expect(judge({ text: 'about one' }, n(1), { kind: 'absolute', within: 1 })).toBe('—');
  });

  it('fails a non-finite reproduction and a sign flip under a factor tolerance', () => {
    expect(judge(n(1), n(Number.NaN), { kind: 'absolute', within: 1 })).toBe('FAIL');
    expect(judge(n(2), n(-2), { kind: 'factor', within: 10 })).toBe('FAIL');
  });

  it('lets a mark decided upstream win over the tolerance', () => {
    const cell = { kind: 'comparison' as const, published: n(1), reproduced: n(1), tolerance: { kind: 'absolute' as const, within: 0.1 } };
    expect(markOf(cell)).toBe('PASS');
    expect(markOf({ ...cell, mark: 'FAIL' })).toBe('FAIL');
  });

  it('describes tolerances in the units of the published number', () => {
    expect(describeTolerance({ kind: 'absolute', within: 0.05 })).toBe('±0.05');
    expect(describeTolerance({ kind: 'absolute', within: 0.1 }, { kind: 'percent', digits: 0 })).toBe('±10 pp');
    expect(describeTolerance({ kind: 'relative', within: 0.2 })).toBe('±20%');
    expect(describeTolerance({ kind: 'factor', within: 1.3 })).toBe('within 1.3×');
    expect(describeTolerance({ kind: 'atLeast', bound: 0.9 }, { kind: 'percent', digits: 0 })).toBe('≥ 90%');
    expect(describeTolerance({ kind: 'between', low: 0.82, high: 0.85 })).toBe('in [0.82, 0.85]');
  });
});

describe('escaping', () => {
  it('escapes markup characters for XML and HTML', () => {
    expect(escapeXml(`ln T < 10 & "rising" 'fast' > 0`)).toBe('ln T &lt; 10 &amp; &quot;rising&quot; &#39;fast&#39; &gt; 0');
  });

  it('keeps Markdown table cells whole and inert', () => {
    const escaped = escapeMarkdown('a | b <i>*x*</i> & `c`\nnext');
    expect(escaped).not.toMatch(/(^|[^\\])\|/);
    expect(escaped).not.toContain('<');
    expect(escaped).not.toContain('\n');
    expect(escaped).toContain('\\*x\\*');
  });
});
