/**
 * Canonical JSON: object keys sorted by UTF-16 code units, numbers in ECMAScript's shortest round-trip
 * form (so 1.0 and 1 are the same value, -0 is 0), no NaN or Infinity. Everything hashed or written as
 * an artifact by the engine goes through here, so the same value always gives the same bytes.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`canonical JSON cannot hold ${n}: expected a finite number`);
  return Object.is(n, -0) ? '0' : String(n);
}

/** Compact canonical form (for hashing). */
export function canonicalJson(value: unknown): string {
  return write(value, '', '');
}

/** Indented canonical form (for files people read and diff, e.g. grokpipe.lock, manifest.json). */
export function canonicalJsonPretty(value: unknown): string {
  return write(value, '  ', '') + '\n';
}

function write(v: unknown, indent: string, current: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return canonicalNumber(v);
    case 'string':
      return JSON.stringify(v);
    case 'object': {
      const inner = current + indent;
      const sep = indent ? `,\n${inner}` : ',';
      const open = indent ? `\n${inner}` : '';
      const close = indent ? `\n${current}` : '';
      const colon = indent ? ': ' : ':';
      if (Array.isArray(v)) {
        if (v.length === 0) return '[]';
        return `[${open}${v.map((x) => write(x === undefined ? null : x, indent, inner)).join(sep)}${close}]`;
      }
      const keys = Object.keys(v as object)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort(compareCodeUnits);
      if (keys.length === 0) return '{}';
      const parts = keys.map((k) => `${JSON.stringify(k)}${colon}${write((v as Record<string, unknown>)[k], indent, inner)}`);
      return `{${open}${parts.join(sep)}${close}}`;
    }
    default:
      throw new Error(`canonical JSON cannot hold a ${typeof v}`);
  }
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Structural deep copy through canonical JSON semantics (drops undefined). */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
