/**
 * The one place where an instance's resolved params become the value that is keyed and handed to the
 * stage. Both see the same JSON: the key hashes its canonical form, and the worker receives it through
 * a JSON channel. So anything JSON would change is refused here instead of being changed silently:
 * NaN and infinities (JSON writes null), undefined (dropped from objects, null in arrays), functions,
 * symbols, bigints, class instances such as Date or Map. -0 is 0 (canonical JSON's rule, stated).
 * `null` is a value of its own: keyed as null, distinct from an absent field and from every number,
 * and passed as null. Values written in pipeline.yaml or --set were already checked where written
 * (exact-numbers.ts), and ajv writes schema defaults in as JSON literals (a NaN default is refused
 * as an invalid schema), so today nothing should fail here: it is the gate that keeps it so if
 * either changes.
 */
import type { Json } from '../../core/canonical-json.ts';
import { describeValue } from '../errors.ts';

export interface InexactParam {
  /** Dotted path of the field, e.g. `lr` or `sizes[2]`. */
  field: string;
  found: string;
}

/** A deep copy of `value` as exact JSON, or the first field JSON cannot carry as it is. */
export function exactParams(value: unknown): { params: Record<string, Json> } | { problem: InexactParam } {
  let problem: InexactParam | null = null;
  const copy = (v: unknown, field: string): Json => {
    if (problem) return null;
    const fail = (found: string): Json => ((problem = { field, found }), null);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : fail(`${v}, which JSON cannot hold (it would become null)`);
    if (v === undefined) return fail('undefined, which JSON cannot hold (it would be dropped or become null)');
    if (Array.isArray(v)) {
      const out: Json[] = [];
      for (let i = 0; i < v.length; i++) out.push(i in v ? copy(v[i], `${field}[${i}]`) : ((problem = { field: `${field}[${i}]`, found: `a hole at index ${i}` }), null));
      return out;
    }
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return fail(`a ${(v as object).constructor?.name ?? 'non-plain'} object, which JSON does not carry as it is`);
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) out[k] = copy(x, field ? `${field}.${k}` : k);
      return out;
    }
    return fail(`${describeValue(v)}, which JSON cannot hold`);
  };
  const params = copy(value, '') as Record<string, Json>;
  return problem ? { problem } : { params };
}
