/**
 * Number formatting for the report: exact, locale-free and host-independent. Only toFixed and
 * toPrecision are used (their results are fixed by the ECMAScript spec), never toLocaleString, whose
 * output depends on the ICU data of the machine.
 */
import type { Estimate, NumberFormat } from './model.ts';

export const MINUS = '\u2212';
/** groups thousands without allowing a line break inside a number */
export const THIN_SPACE = '\u202f';

/** Prints `value` in `format`. NaN prints as "—", infinities as "∞"; negative numbers use a true minus sign. */
export function formatNumber(value: number, format: NumberFormat): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : `${MINUS}∞`;
  switch (format.kind) {
    case 'fixed':
      return withMinus(value.toFixed(checkDigits(format.digits)));
    case 'significant':
      return significant(value, checkDigits(format.digits, 1));
    case 'percent':
      return `${withMinus((value * 100).toFixed(checkDigits(format.digits)))}%`;
    case 'integer':
      return groupThousands(withMinus(Math.round(value).toFixed(0)));
    case 'times':
      return `${withMinus(value.toFixed(checkDigits(format.digits)))}×`;
  }
}

/** "0.83 [0.82, 0.85]", "≈ 0.95", "3.43×". */
export function formatEstimate(estimate: Estimate): string {
  const centre = formatNumber(estimate.value, estimate.format);
  const prefix = estimate.approx ? '≈ ' : '';
  if (estimate.low === undefined || estimate.high === undefined) return prefix + centre;
  return `${prefix}${centre} [${formatNumber(estimate.low, estimate.format)}, ${formatNumber(estimate.high, estimate.format)}]`;
}

/**
 * The shortest plain decimal for a parameter such as a tolerance (0.05, 1.3, 20): at most `maxDigits`
 * significant digits, trailing zeros dropped.
 */
export function formatShort(value: number, maxDigits = 6): string {
  if (!Number.isFinite(value)) return formatNumber(value, { kind: 'fixed', digits: 0 });
  const rounded = Number(value.toPrecision(maxDigits));
  const magnitude = rounded === 0 ? 0 : Math.floor(Math.log10(Math.abs(rounded)));
  const decimals = Math.min(20, Math.max(0, maxDigits - 1 - magnitude));
  return withMinus(stripZeros(rounded.toFixed(decimals)));
}

function significant(value: number, digits: number): string {
  if (value === 0) return withMinus((0).toFixed(Math.max(0, digits - 1)));
  const rounded = Number(value.toPrecision(digits));
  const magnitude = Math.floor(Math.log10(Math.abs(rounded)));
  if (magnitude >= 6 || magnitude < -3) {
    const [mantissa, exponent] = rounded.toExponential(digits - 1).split('e');
    return `${withMinus(mantissa)}×10${superscript(Number(exponent))}`;
  }
  return withMinus(rounded.toFixed(Math.max(0, digits - 1 - magnitude)));
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 10 with a superscript exponent, as Unicode text, so it survives HTML, SVG and Markdown alike: -7 -> "⁻⁷". */
export function superscript(n: number): string {
  const digits = String(Math.abs(Math.round(n)))
    .split('')
    .map((d) => SUPERSCRIPT_DIGITS[Number(d)])
    .join('');
  return n < 0 ? `⁻${digits}` : digits;
}

/** "-0.00" is a rounding artefact: print zero without a sign; otherwise use the typographic minus. */
function withMinus(text: string): string {
  if (!text.startsWith('-')) return text;
  if (/^-[0.]*$/.test(text)) return text.slice(1);
  return MINUS + text.slice(1);
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Groups from 10 000 upwards (SI style: four-digit numbers stay whole). */
function groupThousands(text: string): string {
  const negative = text.startsWith(MINUS);
  const digits = negative ? text.slice(1) : text;
  if (digits.length <= 4) return text;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += THIN_SPACE;
    out += digits[i];
  }
  return negative ? MINUS + out : out;
}

function checkDigits(digits: number, min = 0): number {
  if (!Number.isInteger(digits) || digits < min || digits > 20) {
    throw new Error(
      `a number format needs an integer digit count between ${min} and 20, found ${digits}; ` +
        `fix the format in the report model (e.g. { kind: 'fixed', digits: 2 })`,
    );
  }
  return digits;
}
