/**
 * The engine's seeded generator for ctx.rng: xoshiro128** whose 128-bit state is the first 16 bytes
 * of a sha256 seed (rng-seed.ts). It imports nothing, so the stage process stays light.
 */
import type { SeededRandom } from './stage.ts';

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function seededRandom(seedHex: string): SeededRandom {
  if (!/^[0-9a-f]{64}$/.test(seedHex)) throw new Error(`seededRandom expects 64 hex digits, found ${JSON.stringify(seedHex)}`);
  const word = (i: number) => Number.parseInt(seedHex.slice(i * 8, i * 8 + 8), 16) | 0;
  let a = word(0);
  let b = word(1);
  let c = word(2);
  let d = word(3);
  if ((a | b | c | d) === 0) d = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    seed: seedHex,
    seed32: Number.parseInt(seedHex.slice(0, 8), 16) >>> 0,
    nextU32,
    uniform() {
      const hi = nextU32() >>> 5;
      const lo = nextU32() >>> 6;
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    int(n: number) {
      if (!(Number.isInteger(n) && n > 0 && n <= 0x100000000)) throw new Error(`rng.int(n) needs an integer 1 <= n <= 2^32, found ${n}`);
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const x = nextU32();
        if (x < limit) return x % n;
      }
    },
  };
}
