/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): object keys sorted by UTF-16 code units,
 * numbers in ECMAScript's shortest round-trip form (Number.prototype.toString, so 1.0 and 1 are the same
 * value and -0 is 0), strings escaped as JSON.stringify does (the escaping RFC 8785 prescribes), no
 * whitespace. Everything the engine hashes and everything the study writes as an artifact goes through
 * here, so the same value always gives the same bytes.
 *
 * This file is the shared core: it imports nothing, so both the engine and src/grok (and through it the
 * stages) may import it without one reaching into the other.
 *
 * Two choices go beyond RFC 8785, each stated by the caller:
 * - non-finite numbers: RFC 8785 has no way to write them. `nonFinite: 'error'` (the default, what the
 *   engine uses for keys and records) refuses them; `nonFinite: 'null'` (what the study's artifacts use:
 *   a metric that could not be computed) writes null.
 * - typed arrays (Float64Array, Int32Array, ...) are written as arrays of their numbers; undefined object
 *   fields are left out and undefined array elements are written as null, as JSON.stringify does.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CanonicalOptions {
  /** What a NaN or an infinity becomes: an error (default) or null. */
  nonFinite?: 'error' | 'null';
}

/** A finite number in RFC 8785 form; throws for NaN and infinities. */
export function canonicalNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`canonical JSON cannot hold ${n}: expected a finite number`);
  return Object.is(n, -0) ? '0' : String(n);
}

/** Compact canonical form (for hashing and for artifacts). */
export function canonicalJson(value: unknown, options: CanonicalOptions = {}): string {
  return write(value, '', '', '$', options.nonFinite === 'null');
}

/** Indented canonical form (for files people read and diff, e.g. grokpipe.lock, manifest.json). */
export function canonicalJsonPretty(value: unknown, options: CanonicalOptions = {}): string {
  return write(value, '  ', '', '$', options.nonFinite === 'null') + '\n';
}

/** Sorts strings by UTF-16 code units (what `<` compares), the key order of RFC 8785. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Structural deep copy with JSON semantics (drops undefined fields). */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function write(v: unknown, indent: string, current: string, path: string, nullForNonFinite: boolean): string {
  if (v === null) return 'null';
  if (v === undefined) {
    // inside an array undefined is null (the callers map it); a whole value that is undefined is a bug
    throw new Error(`canonical JSON cannot hold undefined at ${path}: expected JSON data`);
  }
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) {
        if (nullForNonFinite) return 'null';
        throw new Error(`canonical JSON cannot hold ${v} at ${path}: expected a finite number`);
      }
      return Object.is(v, -0) ? '0' : String(v);
    case 'string':
      return JSON.stringify(v);
    case 'object': {
      const inner = current + indent;
      const sep = indent ? `,\n${inner}` : ',';
      const open = indent ? `\n${inner}` : '';
      const close = indent ? `\n${current}` : '';
      const colon = indent ? ': ' : ':';
      const list = Array.isArray(v) ? (v as unknown[]) : ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : null;
      if (list) {
        if (list.length === 0) return '[]';
        return `[${open}${list.map((x, i) => write(x === undefined ? null : x, indent, inner, `${path}[${i}]`, nullForNonFinite)).join(sep)}${close}]`;
      }
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort(compareCodeUnits);
      if (keys.length === 0) return '{}';
      const parts = keys.map((k) => `${JSON.stringify(k)}${colon}${write(obj[k], indent, inner, `${path}.${k}`, nullForNonFinite)}`);
      return `{${open}${parts.join(sep)}${close}}`;
    }
    default:
      throw new Error(`canonical JSON cannot hold a ${typeof v} at ${path}: expected JSON data`);
  }
}
