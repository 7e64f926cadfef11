/**
 * `${name.path}` expressions in pipeline.yaml values. An expression that is the whole scalar keeps the
 * referenced value's type (number, list, object); inside a longer string it is stringified (numbers in
 * canonical form, lists and objects as canonical JSON). Roots: vars, matrix, params, deps, out; which
 * roots are allowed depends on where the value sits.
 */
import { canonicalJson, canonicalNumber, type Json } from '../../core/canonical-json.ts';
import { OPEN, showExpressions, type FieldPath, type YamlSource } from '../yaml-source.ts';

export type Root = 'vars' | 'matrix' | 'params' | 'deps' | 'out';

export interface Scope {
  values: Partial<Record<Root, Json>>;
  /** Roots left as written (e.g. deps and out in a cmd at plan time). */
  deferred?: ReadonlySet<Root>;
  src: YamlSource;
  /** Candidate source paths of the value being interpolated (the first that exists is reported). */
  paths: (sub: FieldPath) => FieldPath[];
  /** Where we are, for "not allowed here" messages, e.g. "a matrix". */
  place: string;
}

const WHOLE = new RegExp(`^\\$\\u2983([^\\u2983\\u2984]*)\\u2984$`);
const ANY = new RegExp(`\\$\\u2983([^\\u2983\\u2984]*)\\u2984`, 'g');

export function interpolate(value: unknown, scope: Scope, sub: FieldPath = []): Json {
  if (typeof value === 'string') return interpolateString(value, scope, sub);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, scope, [...sub, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, scope, [...sub, k]);
    return out;
  }
  return value as Json;
}

function interpolateString(s: string, scope: Scope, sub: FieldPath): Json {
  if (!s.includes(OPEN)) return s;
  const whole = WHOLE.exec(s);
  if (whole) {
    const r = lookup(whole[1]!, scope, sub);
    return r.deferred ? s : r.value;
  }
  return s.replace(ANY, (m, expr: string) => {
    const r = lookup(expr, scope, sub);
    return r.deferred ? m : stringify(r.value);
  });
}

export function stringify(v: Json): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return canonicalNumber(v);
  if (typeof v === 'boolean' || v === null) return String(v);
  return canonicalJson(v);
}

function lookup(expr: string, scope: Scope, sub: FieldPath): { value: Json; deferred?: boolean } {
  const text = expr.trim();
  const parts = text.split('.');
  const root = parts[0] as Root;
  const written = `\${${text}}`;
  const known: Root[] = ['vars', 'matrix', 'params', 'deps', 'out'];
  if (!known.includes(root) || parts.some((p) => p === '')) {
    throw scope.src.errorAt(scope.paths(sub), {
      title: `unknown name \`${written}\``,
      expected: 'an expression starting with vars., matrix., params., deps. or out',
      found: `\`${written}\``,
    });
  }
  if (scope.deferred?.has(root)) return { value: null, deferred: true };
  if (!(root in scope.values)) {
    throw scope.src.errorAt(scope.paths(sub), {
      title: `\`${written}\` cannot be used in ${scope.place}`,
      expected: `only ${Object.keys(scope.values).map((r) => `${r}.*`).join(', ') || 'literal values'} here`,
      found: `\`${written}\``,
      hint: root === 'matrix' ? 'matrix values exist only in a stage with a `matrix:`' : undefined,
    });
  }
  let v: Json | undefined = scope.values[root];
  for (let i = 1; i < parts.length; i++) {
    const key = parts[i]!;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, key)) v = (v as Record<string, Json>)[key];
    else if (Array.isArray(v) && /^\d+$/.test(key) && Number(key) < v.length) v = v[Number(key)];
    else {
      const here = parts.slice(0, i).join('.');
      const options = v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
      throw scope.src.errorAt(scope.paths(sub), {
        title: `unknown name \`${written}\``,
        expected: options.length ? `one of ${options.map((o) => `${here}.${o}`).join(', ')}` : `a field of ${here}`,
        found: `\`${parts.slice(0, i + 1).join('.')}\` is not defined`,
      });
    }
  }
  return { value: v as Json };
}

export { showExpressions };
