/**
 * Axis scales with "nice" ticks. A scale knows its domain and ticks and maps a value to a fraction of the
 * axis (0 at the domain's start, 1 at its end); the chart frame turns fractions into pixels. Keeping the
 * mapping this small is what lets a test recompute a point's pixel position from the data and the box.
 *
 * The domain is the data's range widened by a small margin (5% of the span each side by default), and
 * the ticks are the nice values inside it: linear ticks step by 1, 2, 2.5 or 5 times a power of ten; log
 * ticks are 1-2-5 per decade over short ranges and whole decades (thinned to at most eight) over long ones.
 */
import { formatNumber, formatShort, MINUS, superscript } from '../format.ts';
import type { NumberFormat, ScaleKind } from '../model.ts';

export interface Tick {
  value: number;
  label: string;
}

export interface Scale {
  kind: ScaleKind;
  domain: [number, number];
  ticks: Tick[];
  /** Where `value` sits along the axis: 0 at domain[0], 1 at domain[1] (in log10 space for a log scale). */
  fraction(value: number): number;
}

export interface ScaleOptions {
  /** values the domain must contain besides the data (e.g. 0 for a share) */
  include?: number[];
  /** tick label format; chosen from the step when absent */
  format?: NumberFormat;
  /**
   * Room left beyond the data, as a share of its span, below and above (default 5% each side), so that
   * markers on the extreme values are not cut by the plot's edge. Bars use [0, x] to stand on zero.
   */
  expand?: [number, number];
}

const NICE_MULTIPLIERS = [1, 2, 2.5, 5, 10];
/** aim for about five intervals; nice rounding gives four to seven ticks */
const TARGET_INTERVALS = 5;
const DEFAULT_EXPAND: [number, number] = [0.05, 0.05];

/** The 1/2/2.5/5 x 10^k nearest to `rough` (rough > 0), nearness measured as a ratio. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) {
    throw new Error(`a tick step needs a positive finite rough step, found ${rough}`);
  }
  const power = Math.pow(10, Math.floor(Math.log10(rough)));
  let best = clean(power);
  for (const m of NICE_MULTIPLIERS) {
    const step = clean(m * power);
    if (Math.abs(Math.log(step / rough)) < Math.abs(Math.log(best / rough))) best = step;
  }
  return best;
}

/** Multiples of a nice step inside [lo, hi]. */
function niceTicksWithin(lo: number, hi: number): { values: number[]; step: number } {
  // divide before subtracting so that ranges near the largest doubles do not overflow
  const step = niceStep(hi / TARGET_INTERVALS - lo / TARGET_INTERVALS);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  // round to the step's own decimals: removes noise like 3 * 0.1 without merging close ticks far from 0
  const decimals = Math.min(20, decimalsOf(step));
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { values, step };
}

export function linearScale(values: readonly number[], options: ScaleOptions = {}): Scale {
  const finite = [...values, ...(options.include ?? [])].filter(Number.isFinite);
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (lo === hi) {
    // a single value: centre it in a small range around itself
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const [below, above] = options.expand ?? DEFAULT_EXPAND;
  const half = hi / 2 - lo / 2;
  const domain: [number, number] = [lo - half * (2 * below), hi + half * (2 * above)];
  const { values: tickValues, step } = niceTicksWithin(domain[0], domain[1]);
  const label = options.format ? (v: number) => formatNumber(v, options.format!) : linearTickLabeller(tickValues, step);
  const span = domain[1] - domain[0];
  return {
    kind: 'linear',
    domain,
    ticks: tickValues.map((value) => ({ value, label: label(value) })),
    fraction: (v) => (v - domain[0]) / span,
  };
}

/** A log10 scale over positive values (the caller drops the others and says so). */
export function logScale(values: readonly number[], options: ScaleOptions = {}): Scale {
  const positive = [...values, ...(options.include ?? [])].filter((v) => Number.isFinite(v) && v > 0);
  let lo = positive.length > 0 ? Math.log10(Math.min(...positive)) : 0;
  let hi = positive.length > 0 ? Math.log10(Math.max(...positive)) : 1;
  if (lo === hi) {
    lo -= 0.3;
    hi += 0.3;
  }
  const [below, above] = options.expand ?? DEFAULT_EXPAND;
  const span = hi - lo;
  const l0 = lo - span * below;
  const l1 = hi + span * above;
  const domain: [number, number] = [Math.pow(10, l0), Math.pow(10, l1)];
  const inside = (v: number) => v >= domain[0] * (1 - 1e-12) && v <= domain[1] * (1 + 1e-12);
  let tickValues: number[];
  if (l1 - l0 <= 3) {
    // 1-2-5 per decade; within about a decade those are too few, and evenly stepped values read better
    tickValues = [];
    for (let k = Math.floor(l0); k <= Math.ceil(l1); k++) for (const m of [1, 2, 5]) tickValues.push(clean(m * Math.pow(10, k)));
    tickValues = tickValues.filter(inside);
    if (tickValues.length < 3) tickValues = niceTicksWithin(domain[0], domain[1]).values.filter((v) => v > 0);
  } else {
    const stride = Math.ceil((l1 - l0) / 7);
    tickValues = [];
    for (let k = Math.ceil(l0 / stride) * stride; k <= l1 + 1e-9; k += stride) tickValues.push(clean(Math.pow(10, k)));
  }
  const label = options.format ? (v: number) => formatNumber(v, options.format!) : logTickLabeller(tickValues);
  return {
    kind: 'log',
    domain,
    ticks: tickValues.map((value) => ({ value, label: label(value) })),
    fraction: (v) => (Math.log10(v) - l0) / (l1 - l0),
  };
}

/** Whether a value can be placed on the scale at all (log scales take positive values only). */
export function placeable(kind: ScaleKind, value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && (kind === 'linear' || value > 0);
}

export function makeScale(kind: ScaleKind, values: readonly number[], options: ScaleOptions = {}): Scale {
  return kind === 'log' ? logScale(values, options) : linearScale(values, options);
}

/**
 * Labels for linear ticks: plain decimals with as many places as the step needs; thousands and up with
 * k/M/G (training steps read best as "25k"); tiny values with a shared power of ten. One style per axis.
 */
function linearTickLabeller(ticks: number[], step: number): (v: number) => string {
  const maxAbs = Math.max(0, ...ticks.map(Math.abs));
  if (maxAbs >= 1e4 && maxAbs < 1e12) {
    const [unit, suffix] = maxAbs >= 1e9 ? [1e9, 'G'] : maxAbs >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    const decimals = decimalsOf(step / unit);
    if (decimals <= 3) return (v) => (v === 0 ? '0' : signed((v / unit).toFixed(decimals)) + suffix);
  }
  if (maxAbs >= 1e12 || (maxAbs > 0 && maxAbs < 1e-3)) {
    const exponent = Math.floor(Math.log10(maxAbs));
    const unit = Math.pow(10, exponent);
    const decimals = decimalsOf(step / unit);
    // a step tiny against the values (1e12 to 1e12 + 1) needs every digit: fall through to plain decimals
    if (decimals <= 6) return (v) => (v === 0 ? '0' : `${signed((v / unit).toFixed(decimals))}×10${superscript(exponent)}`);
  }
  const decimals = decimalsOf(step);
  return (v) => signed(v.toFixed(decimals));
}

/**
 * Labels for log ticks: plain numbers from 0.001; when the axis reaches 10 000, every tick from 1000 up
 * uses k/M/G so the labels read alike ("500, 1k, 2k, 5k, 10k"); powers of ten beyond that range.
 */
function logTickLabeller(ticks: number[]): (v: number) => string {
  const useSuffix = Math.max(...ticks) >= 1e4;
  return (v) => {
    if (v >= 1e-3 && v < 1e12 && useSuffix && v >= 1e3) {
      const [unit, suffix] = v >= 1e9 ? [1e9, 'G'] : v >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
      return formatShort(v / unit) + suffix;
    }
    if (v >= 1e-3 && v < 1e4) return formatShort(v);
    const exponent = Math.floor(Math.log10(v) + 1e-9);
    const mantissa = clean(v / Math.pow(10, exponent));
    return mantissa === 1 ? `10${superscript(exponent)}` : `${formatShort(mantissa)}×10${superscript(exponent)}`;
  };
}

/** Decimal places needed to print `x` exactly (to 9 significant digits). */
function decimalsOf(x: number): number {
  const target = Number(Math.abs(x).toPrecision(9));
  for (let d = 0; d < 20; d++) {
    if (Math.abs(Number(target.toFixed(d)) - target) <= target * 1e-9) return d;
  }
  return 20;
}

/** Removes floating-point noise from products like 3 * 0.1. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

function signed(text: string): string {
  if (!text.startsWith('-')) return text;
  return /^-[0.]*$/.test(text) ? text.slice(1) : MINUS + text.slice(1);
}
