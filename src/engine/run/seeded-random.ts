/**
 * The engine's seeded generator for ctx.rng: xoshiro128** (the shared core, src/core/xoshiro.ts) whose
 * 128-bit state is the first 16 bytes of a sha256 seed (rng-seed.ts). The core imports nothing, so the
 * stage process stays light.
 */
import { Xoshiro128 } from '../../core/xoshiro.ts';
import type { SeededRandom } from '../stage.ts';

export function seededRandom(seedHex: string): SeededRandom {
  if (!/^[0-9a-f]{64}$/.test(seedHex)) throw new Error(`seededRandom expects 64 hex digits, found ${JSON.stringify(seedHex)}`);
  const word = (i: number) => Number.parseInt(seedHex.slice(i * 8, i * 8 + 8), 16) | 0;
  const g = Xoshiro128.fromWords(word(0), word(1), word(2), word(3));
  return {
    seed: seedHex,
    seed32: Number.parseInt(seedHex.slice(0, 8), 16) >>> 0,
    nextU32: () => g.nextU32(),
    uniform: () => g.uniform(),
    int: (n: number) => g.int(n),
  };
}
