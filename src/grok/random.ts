/**
 * Our own seeded generator: xoshiro128** seeded through splitmix32, in 32-bit integer arithmetic only,
 * so every JavaScript engine on every machine produces the same stream. The platform generator is never used: it cannot be seeded.
 *
 * Streams are derived, not shared: `Rng.derive(seed, 'split')` and `Rng.derive(seed, 'init')` are
 * independent, so adding a draw in one place never shifts the numbers drawn in another.
 */
import { cos, log, sin } from './math.ts';

const TWO_PI = 6.283185307179586;

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units: turns a label into a 32-bit seed component. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  /** The second value of the last Box-Muller pair, or NaN when none is pending. */
  private spareNormal = NaN;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Rng seed must be an integer, found ${seed}`);
    const st = { s: (seed ^ Math.floor(seed / 0x100000000)) | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** An independent stream for (seed, purpose), e.g. Rng.derive(3, 'split'). */
  static derive(seed: number, ...labels: Array<string | number>): Rng {
    let h = hashLabel(String(seed));
    for (const l of labels) h = Math.imul(h ^ hashLabel(String(l)), 0x9e3779b1) >>> 0;
    return new Rng(h ^ (seed >>> 0));
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
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

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  int(n: number): number {
    if (!(n > 0 && n <= 0x100000000 && Number.isInteger(n))) throw new Error(`Rng.int needs 1 <= n <= 2^32, found ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
