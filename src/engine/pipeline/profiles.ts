/**
 * Profiles: named overrides chosen with --profile (or default_profile). A profile's `vars` replace the
 * pipeline's vars by name (objects are deep-merged, lists and scalars replaced); its
 * `stages.<name>.params` are deep-merged into that stage's params; its `stages.<name>.matrix` replaces
 * that stage's matrix.
 */
import type { Json } from '../../core/canonical-json.ts';

export function deepMerge(base: Json | undefined, over: Json | undefined): Json | undefined {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    // Without a prototype: a var, stage or param named `constructor` or `toString` is looked up as itself.
    const out: Record<string, Json> = Object.assign(Object.create(null) as Record<string, Json>, base);
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v) as Json;
    return out;
  }
  return over;
}

export function isPlainObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
