/**
 * xoshiro128** 1.1 (Blackman and Vigna), in 32-bit integer arithmetic only (Math.imul, shifts), so every
 * JavaScript engine on every machine draws the same stream. Two ways to seed it:
 * - `Xoshiro128.fromWords(a, b, c, d)`: the 128-bit state given directly (the engine's ctx.rng takes it
 *   from the first 16 bytes of a sha256 seed);
 * - `Xoshiro128.fromSplitmix32(seed)`: four outputs of splitmix32 from a 32-bit seed (the study's Rng).
 *
 * The shared core: it imports nothing, so the engine's stage process and src/grok both use it. The
 * reference vectors in test/hostile/core-xoshiro.test.ts come from the authors' C code.
 */

/** One step of splitmix32 (the 32-bit variant of Steele, Lea and Flood's splitmix): advances `state.s`. */
export function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Xoshiro128 {
  protected a: number;
  protected b: number;
  protected c: number;
  protected d: number;

  /** The state as four 32-bit words; an all-zero state (which would only ever give zeros) becomes d = 1. */
  protected constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  static fromWords(a: number, b: number, c: number, d: number): Xoshiro128 {
    return new Xoshiro128(a, b, c, d);
  }

  /** The state from splitmix32 seeded with the low 32 bits of `seed` (an integer). */
  static fromSplitmix32(seed: number): Xoshiro128 {
    return new Xoshiro128(...splitmix32State(seed));
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

  /** Uniform in [0, 1) with 53 random bits (27 from one draw, 26 from the next). */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0 && n <= 0x100000000)) throw new Error(`int(n) needs an integer 1 <= n <= 2^32, found ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }
}

/** The four state words splitmix32 gives for `seed` (its low 32 bits; integers beyond fold their high half in). */
export function splitmix32State(seed: number): [number, number, number, number] {
  if (!Number.isInteger(seed)) throw new Error(`a seed must be an integer, found ${seed}`);
  const st = { s: (seed ^ Math.floor(seed / 0x100000000)) | 0 };
  return [splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st)];
}
