/**
 * Differences between two sets of key components, one line per changed leaf: which file of the code
 * closure, which declared data file (`files:`), which param, which upstream output, the compute
 * identity, which compiler option, the runtime. This is what `status --why` prints.
 */
import { canonicalJson, type Json } from '../../core/canonical-json.ts';
import type { KeyComponents } from './instance-key.ts';

export interface Change {
  component: 'format' | 'code' | 'files' | 'packages' | 'params' | 'inputs' | 'compute' | 'command' | 'outputs' | 'env' | 'compiler' | 'runtime';
  /** The changed leaf: a file path, a params path, an input, or the component itself. */
  what: string;
  /** "(absent)" when the leaf is new. */
  old: string;
  /** "(absent)" when the leaf was removed. */
  new: string;
}

export const ABSENT = '(absent)';

function short(sha: string | undefined): string {
  return sha === undefined ? ABSENT : sha.slice(0, 12);
}

function diffMaps(component: Change['component'], a: Record<string, string>, b: Record<string, string>, show: (v: string | undefined) => string): Change[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: Change[] = [];
  // Own keys only: a file or package named `constructor` or `toString` must not read Object's.
  const at = (m: Record<string, string>, k: string) => (Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined);
  for (const k of keys) if (at(a, k) !== at(b, k)) out.push({ component, what: k, old: show(at(a, k)), new: show(at(b, k)) });
  return out;
}

/** `.name`, or `["name"]` when the name would not read as one segment (a tsconfig folder such as "." or "a/b"). */
function segment(k: string): string {
  return /^[\w$-]+$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function flatten(v: Json | undefined, prefix: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}${segment(k)}` : k, out);
  } else if (v !== undefined) {
    out.set(prefix, canonicalJson(v));
  }
}

/** One change per differing leaf of two JSON values, named by its dotted path under `component`. */
function diffLeaves(component: Change['component'], a: Json | undefined, b: Json | undefined): Change[] {
  const la = new Map<string, string>();
  const lb = new Map<string, string>();
  flatten(a, component, la);
  flatten(b, component, lb);
  const out: Change[] = [];
  for (const k of [...new Set([...la.keys(), ...lb.keys()])].sort()) {
    if (la.get(k) !== lb.get(k)) out.push({ component, what: k, old: la.get(k) ?? ABSENT, new: lb.get(k) ?? ABSENT });
  }
  return out;
}

/** `next.inputs` may be undefined when upstream outputs are not known yet (an upstream is stale). */
export function diffComponents(prev: KeyComponents, next: Omit<KeyComponents, 'inputs'> & { inputs?: Record<string, string> }): Change[] {
  const out: Change[] = [];
  if (prev.format !== next.format) out.push({ component: 'format', what: 'key format', old: String(prev.format), new: String(next.format) });
  out.push(...diffMaps('code', prev.code ?? {}, next.code ?? {}, short));
  out.push(...diffMaps('files', prev.files ?? {}, next.files ?? {}, short));
  out.push(...diffMaps('packages', prev.packages ?? {}, next.packages ?? {}, (v) => v ?? ABSENT));
  out.push(...diffLeaves('params', prev.params, next.params));
  if (next.inputs) out.push(...diffMaps('inputs', prev.inputs ?? {}, next.inputs, short));
  const shownEnv = (m: Record<string, string | null> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v === null ? '(unset)' : `sha256 ${v.slice(0, 12)}`]));
  out.push(...diffMaps('env', shownEnv(prev.env), shownEnv(next.env), (v) => v ?? ABSENT));
  if ((prev.compute ?? '') !== (next.compute ?? '')) out.push({ component: 'compute', what: 'compute', old: prev.compute || '(none)', new: next.compute || '(none)' });
  out.push(...diffLeaves('compiler', prev.compiler, next.compiler));
  out.push(...diffLeaves('runtime', prev.runtime, next.runtime));
  const ca = prev.command ? canonicalJson(prev.command) : ABSENT;
  const cb = next.command ? canonicalJson(next.command) : ABSENT;
  if (ca !== cb) out.push({ component: 'command', what: 'cmd', old: ca, new: cb });
  const oa = prev.outputs ? canonicalJson(prev.outputs) : ABSENT;
  const ob = next.outputs ? canonicalJson(next.outputs) : ABSENT;
  if (oa !== ob) out.push({ component: 'outputs', what: 'outputs', old: oa, new: ob });
  return out;
}
