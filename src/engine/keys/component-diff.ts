/**
 * Differences between two sets of key components, one line per changed leaf: which file of the code
 * closure, which declared data file (`files:`), which param, which upstream output, the compute
 * identity. This is what `status --why` prints.
 */
import { canonicalJson, type Json } from '../../core/canonical-json.ts';
import type { KeyComponents } from './instance-key.ts';
import { showExpressions } from '../yaml-source.ts';

export interface Change {
  component: 'format' | 'code' | 'files' | 'packages' | 'params' | 'inputs' | 'compute' | 'command' | 'outputs' | 'env';
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

function flatten(v: Json | undefined, prefix: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) {
    out.set(prefix, canonicalJson(v));
  }
}

/** `next.inputs` may be undefined when upstream outputs are not known yet (an upstream is stale). */
export function diffComponents(prev: KeyComponents, next: Omit<KeyComponents, 'inputs'> & { inputs?: Record<string, string> }): Change[] {
  const out: Change[] = [];
  if (prev.format !== next.format) out.push({ component: 'format', what: 'key format', old: String(prev.format), new: String(next.format) });
  out.push(...diffMaps('code', prev.code ?? {}, next.code ?? {}, short));
  out.push(...diffMaps('files', prev.files ?? {}, next.files ?? {}, short));
  out.push(...diffMaps('packages', prev.packages ?? {}, next.packages ?? {}, (v) => v ?? ABSENT));
  const pa = new Map<string, string>();
  const pb = new Map<string, string>();
  flatten(prev.params, 'params', pa);
  flatten(next.params, 'params', pb);
  for (const k of [...new Set([...pa.keys(), ...pb.keys()])].sort()) {
    if (pa.get(k) !== pb.get(k)) out.push({ component: 'params', what: k, old: pa.get(k) ?? ABSENT, new: pb.get(k) ?? ABSENT });
  }
  if (next.inputs) out.push(...diffMaps('inputs', prev.inputs ?? {}, next.inputs, short));
  const shownEnv = (m: Record<string, string | null> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v === null ? '(unset)' : `sha256 ${v.slice(0, 12)}`]));
  out.push(...diffMaps('env', shownEnv(prev.env), shownEnv(next.env), (v) => v ?? ABSENT));
  if ((prev.compute ?? '') !== (next.compute ?? '')) out.push({ component: 'compute', what: 'compute', old: prev.compute || '(none)', new: next.compute || '(none)' });
  // The key keeps ${deps.*}/${out} in the parser's protected form; people read them as written.
  const ca = prev.command ? showExpressions(canonicalJson(prev.command)) : ABSENT;
  const cb = next.command ? showExpressions(canonicalJson(next.command)) : ABSENT;
  if (ca !== cb) out.push({ component: 'command', what: 'cmd', old: ca, new: cb });
  const oa = prev.outputs ? canonicalJson(prev.outputs) : ABSENT;
  const ob = next.outputs ? canonicalJson(next.outputs) : ABSENT;
  if (oa !== ob) out.push({ component: 'outputs', what: 'outputs', old: oa, new: ob });
  return out;
}
