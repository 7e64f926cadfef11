/**
 * The study's seeded generator: xoshiro128** seeded through splitmix32 (the shared core,
 * src/core/xoshiro.ts, which the engine's ctx.rng uses too), plus what only the study needs: normal draws
 * with our own log, cos and sin, permutations, and streams derived from labels. The platform generator is
 * never used: it cannot be seeded.
 *
 * Streams are derived, not shared: `Rng.derive(seed, 'split')` and `Rng.derive(seed, 'init')` are
 * independent, so adding a draw in one place never shifts the numbers drawn in another.
 */
import { Xoshiro128, splitmix32State } from '../core/xoshiro.ts';
import { cos, log, sin } from './math.ts';

const TWO_PI = 6.283185307179586;

/** FNV-1a over UTF-16 code units: turns a label into a 32-bit seed component. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng extends Xoshiro128 {
  /** The second value of the last Box-Muller pair, or NaN when none is pending. */
  private spareNormal = NaN;

  constructor(seed: number) {
    super(...splitmix32State(seed));
  }

  /** An independent stream for (seed, purpose), e.g. Rng.derive(3, 'split'). */
  static derive(seed: number, ...labels: Array<string | number>): Rng {
    let h = hashLabel(String(seed));
    for (const l of labels) h = Math.imul(h ^ hashLabel(String(l)), 0x9e3779b1) >>> 0;
    return new Rng(h ^ (seed >>> 0));
  }

  /**
   * Standard normal N(0, 1) by Box-Muller with our own log, cos and sin (src/grok/math.ts), so the same
   * seed gives the same bits on every platform. Values come in pairs: the sine half is kept for the next call.
   */
  normal(): number {
    if (this.spareNormal === this.spareNormal) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const angle = TWO_PI * this.uniform();
    const radius = Math.sqrt(-2 * log(u1)); // sqrt is correctly rounded in IEEE 754
    this.spareNormal = radius * sin(angle);
    return radius * cos(angle);
  }

  /** Fisher-Yates shuffle of 0..n-1 (the seeded permutation of the data split). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
