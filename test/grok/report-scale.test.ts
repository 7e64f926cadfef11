import { describe, expect, it } from 'vitest';
import { MINUS } from '../../src/grok/report/format.ts';
import { linearScale, logScale, niceStep } from '../../src/grok/report/svg/scale.ts';

/** A tick value is nice when it is a whole multiple of a 1/2/2.5/5 x 10^k step. */
function isNiceMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-6;
}

function mantissa(step: number): number {
  return Number((step / Math.pow(10, Math.floor(Math.log10(step)))).toPrecision(6));
}

describe('niceStep', () => {
  it('picks the nearest of 1, 2, 2.5 or 5 times a power of ten', () => {
    for (const rough of [0.0013, 0.21, 0.26, 3.7, 47, 980, 1.2e9, 6e-12]) {
      const step = niceStep(rough);
      expect([1, 2, 2.5, 5, 10]).toContain(mantissa(step));
      // the nice values bracketing any number are at most a factor 2 apart, so the nearest is within sqrt(2)
      expect(Math.max(step / rough, rough / step)).toBeLessThanOrEqual(Math.SQRT2 + 1e-12);
    }
    expect(niceStep(12000)).toBe(10000);
    expect(niceStep(17000)).toBe(20000);
  });

  it('refuses a step that is not positive and finite', () => {
    expect(() => niceStep(0)).toThrow(/positive finite/);
    expect(() => niceStep(Number.POSITIVE_INFINITY)).toThrow(/positive finite/);
  });
});

describe('linear scales', () => {
  it('widen the data range by 5% each side and tick at nice multiples inside it', () => {
    const data = [3.1, 7.9, 5.2];
    const s = linearScale(data);
    const span = 7.9 - 3.1;
    expect(s.domain[0]).toBeCloseTo(3.1 - 0.05 * span, 12);
    expect(s.domain[1]).toBeCloseTo(7.9 + 0.05 * span, 12);
    const step = s.ticks[1].value - s.ticks[0].value;
    expect(s.ticks.length).toBeGreaterThanOrEqual(3);
    expect(s.ticks.length).toBeLessThanOrEqual(9);
    for (const t of s.ticks) {
      expect(isNiceMultiple(t.value, step)).toBe(true);
      expect(t.value).toBeGreaterThanOrEqual(s.domain[0]);
      expect(t.value).toBeLessThanOrEqual(s.domain[1]);
    }
    expect(s.fraction(s.domain[0])).toBe(0);
    expect(s.fraction(s.domain[1])).toBeCloseTo(1, 12);
  });

  it('include extra values and honour a custom margin', () => {
    const s = linearScale([0.3, 0.6], { include: [0, 1], expand: [0, 0] });
    expect(s.domain).toEqual([0, 1]);
    expect(s.ticks.map((t) => t.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('centre a single value in a small range', () => {
    const s = linearScale([42]);
    expect(s.domain[0]).toBeLessThan(42);
    expect(s.domain[1]).toBeGreaterThan(42);
    expect(s.fraction(42)).toBeCloseTo(0.5, 12);
    const zero = linearScale([0]);
    expect(zero.fraction(0)).toBeCloseTo(0.5, 12);
  });

  it('fall back to [0, 1] with no data', () => {
    const s = linearScale([]);
    expect(s.domain[0]).toBeLessThan(0);
    expect(s.domain[1]).toBeGreaterThan(1);
    expect(s.ticks.length).toBeGreaterThanOrEqual(2);
  });

  it('label thousands with k, tiny values with a power of ten, negatives with a minus sign', () => {
    expect(linearScale([0, 60000], { expand: [0, 0] }).ticks.map((t) => t.label)).toEqual(['0', '10k', '20k', '30k', '40k', '50k', '60k']);
    const tiny = linearScale([1e-7, 5e-7], { expand: [0, 0] }).ticks.map((t) => t.label);
    expect(tiny.every((l) => l.includes('×10⁻'))).toBe(true);
    const negative = linearScale([-2, 2], { expand: [0, 0] }).ticks.map((t) => t.label);
    expect(negative[0]).toBe(`${MINUS}2`);
    expect(negative).toContain('0');
    expect(negative.some((l) => l.startsWith('-'))).toBe(false);
  });

  it('survive huge ranges without overflow or an endless tick loop', () => {
    const s = linearScale([-1e308, 1e308]);
    expect(Number.isFinite(s.domain[0]) && Number.isFinite(s.domain[1])).toBe(true);
    expect(s.ticks.length).toBeGreaterThanOrEqual(2);
    expect(s.ticks.length).toBeLessThanOrEqual(12);
    expect(s.ticks.every((t) => Number.isFinite(t.value))).toBe(true);
    const narrow = linearScale([1e12, 1e12 + 1]);
    expect(narrow.ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(narrow.ticks.map((t) => t.label)).size).toBe(narrow.ticks.length);
  });

  it('give distinct labels to distinct ticks', () => {
    for (const data of [[0.001, 0.0042], [12.5, 13.75], [0, 0.25], [980, 1020], [2, 60000]]) {
      const labels = linearScale(data).ticks.map((t) => t.label);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});

describe('log scales', () => {
  it('widen by 5% of the span in log space and tick 1-2-5 over short ranges', () => {
    const s = logScale([900, 7800]);
    const l0 = Math.log10(900);
    const l1 = Math.log10(7800);
    expect(Math.log10(s.domain[0])).toBeCloseTo(l0 - 0.05 * (l1 - l0), 10);
    expect(Math.log10(s.domain[1])).toBeCloseTo(l1 + 0.05 * (l1 - l0), 10);
    expect(s.ticks.map((t) => t.value)).toEqual([1000, 2000, 5000]);
    expect(s.fraction(Math.sqrt(s.domain[0] * s.domain[1]))).toBeCloseTo(0.5, 10);
  });

  it('use k labels axis-wide once the axis reaches ten thousand', () => {
    expect(logScale([700, 25000]).ticks.map((t) => t.label)).toEqual(['1k', '2k', '5k', '10k', '20k']);
  });

  it('tick whole decades, thinned, over long ranges', () => {
    const s = logScale([1e-9, 1e9]);
    expect(s.ticks.length).toBeLessThanOrEqual(8);
    for (const t of s.ticks) expect(Math.log10(t.value) % 1).toBeCloseTo(0, 9);
    expect(s.ticks.some((t) => t.label.startsWith('10'))).toBe(true);
  });

  it('ignore values that cannot be on a log axis and still tick a narrow range', () => {
    const s = logScale([0, -3, 3000, 3500]);
    expect(s.domain[0]).toBeGreaterThan(0);
    expect(s.ticks.length).toBeGreaterThanOrEqual(2);
  });
});
