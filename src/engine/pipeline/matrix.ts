/**
 * Matrix expansion and instance names. An axis whose value is a list gives the product; a list of
 * products is their union, deduplicated, in first-appearance order. Names list the axes in declaration
 * order with values in canonical form: `grid[p=59,rho=1.15,tau=1.3]`.
 */
import { canonicalNumber, type Json } from '../../core/canonical-json.ts';
import { describeValue } from '../errors.ts';
import type { MatrixValue } from '../stage.ts';
import type { FieldPath, YamlSource } from '../yaml-source.ts';

export type MatrixPoint = Record<string, MatrixValue>;

const SAFE_STRING = /^[A-Za-z0-9_.+-]+$/;
/** Instances one stage may have: past this a typo (an extra zero) would exhaust memory while planning. */
export const MAX_INSTANCES = 1_000_000;

export function matrixValueText(v: MatrixValue): string {
  return typeof v === 'number' ? canonicalNumber(v) : String(v);
}

export function instanceName(stage: string, point: MatrixPoint | null): string {
  if (!point) return stage;
  const axes = Object.keys(point);
  return `${stage}[${axes.map((k) => `${k}=${matrixValueText(point[k]!)}`).join(',')}]`;
}

/**
 * `resolved` is the stage's matrix after interpolation; `at(sub)` gives the source paths for errors.
 * Returns null for a stage without a matrix (one instance).
 */
function printsAlike(src: YamlSource, paths: FieldPath[], axis: string, a: MatrixValue, b: MatrixValue) {
  return src.errorAt(paths, {
    title: `matrix axis \`${axis}\` has two values that print alike but differ in type`,
    expected: 'values that stay distinct in the instance name (its folder and lock entry): not both 1 and "1", or true and "true"',
    found: `${describeValue(a)} and ${describeValue(b)}, both \`${axis}=${matrixValueText(a)}\``,
    hint: 'keep one of them; quote every value of the axis, or none',
  });
}

export function expandMatrix(resolved: Json | undefined, src: YamlSource, at: (sub: FieldPath) => FieldPath[]): MatrixPoint[] | null {
  if (resolved === undefined || resolved === null) return null;
  const products = Array.isArray(resolved) ? resolved : [resolved];
  const seen = new Map<string, MatrixPoint>();
  const points: MatrixPoint[] = [];
  products.forEach((product, pi) => {
    const base: FieldPath = Array.isArray(resolved) ? [pi] : [];
    if (product === null || typeof product !== 'object' || Array.isArray(product)) {
      throw src.errorAt(at(base), { title: 'malformed matrix', expected: 'an object of axes, { name: [values] }', found: describeValue(product) });
    }
    const axes = Object.entries(product);
    const valueLists = axes.map(([axis, raw]) => {
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) {
        throw src.errorAt(at([...base, axis]), { title: `matrix axis \`${axis}\` is empty`, expected: 'at least one value', found: 'an empty list', hint: 'remove the axis or give it a value' });
      }
      return list.map((v, vi) => {
        if (typeof v === 'number' ? !Number.isFinite(v) : typeof v === 'string' ? !SAFE_STRING.test(v) : typeof v !== 'boolean') {
          throw src.errorAt(at(Array.isArray(raw) ? [...base, axis, vi] : [...base, axis]), {
            title: `unsupported value on matrix axis \`${axis}\``,
            expected: 'a number, a boolean, or a string of letters, digits and . _ + - (it becomes part of the instance name and folder)',
            found: describeValue(v),
          });
        }
        return v as MatrixValue;
      });
    });
    // Two values that print alike (1 and "1", true and "true") would give one instance name for two
    // different points: the second would vanish in the deduplication below.
    valueLists.forEach((list, ai) => {
      const [axis, raw] = axes[ai]!;
      const byText = new Map<string, MatrixValue>();
      list.forEach((v, vi) => {
        const other = byText.get(matrixValueText(v));
        if (other !== undefined && typeof other !== typeof v) throw printsAlike(src, at(Array.isArray(raw) ? [...base, axis, vi] : [...base, axis]), axis, other, v);
        byText.set(matrixValueText(v), v);
      });
    });
    const size = valueLists.reduce((n, l) => n * l.length, 1);
    if (points.length + size > MAX_INSTANCES) {
      throw src.errorAt(at(base), {
        title: `the matrix gives ${size > Number.MAX_SAFE_INTEGER ? 'more than 2^53' : size.toLocaleString('en-US')} instances${points.length ? ` (with ${points.length} from the products before)` : ''}, more than one stage may have`,
        expected: `at most ${MAX_INSTANCES.toLocaleString('en-US')} instances per stage (each is a folder, a lock entry and a process)`,
        found: axes.map(([axis], i) => `${axis}: ${valueLists[i]!.length} values`).join(', '),
        hint: 'split the study into stages or profiles, or move an axis into the stage (a param it loops over)',
      });
    }
    const walk = (i: number, acc: MatrixPoint) => {
      if (i === axes.length) {
        const id = axes.map(([k]) => `${k}=${matrixValueText(acc[k]!)}`).sort().join(',');
        const earlier = seen.get(id);
        if (earlier === undefined) {
          seen.set(id, { ...acc });
          points.push({ ...acc });
        } else {
          const differs = axes.find(([k]) => typeof earlier[k] !== typeof acc[k]);
          if (differs) throw printsAlike(src, at([...base, differs[0]]), differs[0], earlier[differs[0]]!, acc[differs[0]]!);
        }
        return;
      }
      const axis = axes[i]![0];
      for (const v of valueLists[i]!) {
        acc[axis] = v;
        walk(i + 1, acc);
      }
      delete acc[axis];
    };
    walk(0, {});
  });
  return points;
}
