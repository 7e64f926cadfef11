/**
 * The shared core's xoshiro128** and splitmix32 (src/core/xoshiro.ts) against the authors' reference C
 * code. The expected numbers were produced by test/hostile/xoshiro-reference.c (xoshiro128starstar.c 1.1
 * verbatim, plus splitmix32 as the study seeds it): `gcc -O2 -std=c99 xoshiro-reference.c && ./a.out`,
 * output pasted below. Also: the engine's ctx.rng and the study's Rng are this one generator.
 */
import { describe, expect, it } from 'vitest';
import { splitmix32State, Xoshiro128 } from '../../src/core/xoshiro.ts';
import { seededRandom } from '../../src/engine/run/seeded-random.ts';
import { Rng } from '../../src/grok/random.ts';

const draws = (g: { nextU32(): number }, n = 8) => Array.from({ length: n }, () => g.nextU32());

describe('xoshiro128** reference vectors (C reference implementation)', () => {
  it('state 1 2 3 4', () => {
    expect(draws(Xoshiro128.fromWords(1, 2, 3, 4))).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });
  it('state 01234567 89abcdef fedcba98 76543210 (words above 2^31 go through the sign bit)', () => {
    expect(draws(Xoshiro128.fromWords(0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210))).toEqual([
      2576975000, 1717987679, 3437557858, 3328806623, 2502269976, 3596207863, 3762620995, 3723441234,
    ]);
  });
  it('state 1 2 3 4 after 1000 draws', () => {
    const g = Xoshiro128.fromWords(1, 2, 3, 4);
    draws(g, 1000);
    expect(draws(g)).toEqual([136054147, 2224941748, 1458134130, 3964477073, 45371799, 757880213, 1590764842, 622896625]);
  });
  const seeded: Array<[number, number[], number[]]> = [
    [0, [2462723854, 1020716019, 454327756, 1275600319], [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335, 104831812, 1587294886]],
    [1, [2527132011, 314344336, 2535364964, 2041432039], [2442144158, 3238099751, 3819917871, 2104621829, 2021136066, 4223536128, 1515984730, 2298887649]],
    [42, [939911724, 3948730756, 321366731, 3317318717], [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290, 65323186, 1112262688]],
    [0xffffffff, [920564995, 4230986166, 697614773, 1778835764], [835879718, 1921286648, 2356205009, 1885780724, 980451116, 1053911718, 3677392737, 2464361898]],
  ];
  it.each(seeded)('splitmix32 seed %d: state and draws', (seed, state, out) => {
    expect(splitmix32State(seed).map((w) => w >>> 0)).toEqual(state);
    expect(draws(Xoshiro128.fromSplitmix32(seed))).toEqual(out);
    expect(draws(new Rng(seed))).toEqual(out); // the study's generator is this one
  });
});

describe('one generator for the engine and the study', () => {
  it("ctx.rng's stream is xoshiro128** from the first 16 bytes of its seed", () => {
    const seed = '0123456789abcdeffedcba9876543210' + '0'.repeat(32);
    expect(draws(seededRandom(seed))).toEqual([2576975000, 1717987679, 3437557858, 3328806623, 2502269976, 3596207863, 3762620995, 3723441234]);
  });
  it('an all-zero state is moved off zero (it would only ever give zeros)', () => {
    expect(draws(Xoshiro128.fromWords(0, 0, 0, 0), 4)).toEqual(draws(Xoshiro128.fromWords(0, 0, 0, 1), 4));
    expect(draws(seededRandom('0'.repeat(64)), 4).some((x) => x !== 0)).toBe(true);
  });
  it('uniform takes 27 + 26 bits of two draws; int(n) rejects the biased tail and bad n', () => {
    const a = Xoshiro128.fromWords(1, 2, 3, 4);
    const b = Xoshiro128.fromWords(1, 2, 3, 4);
    const [x, y] = draws(b, 2);
    expect(a.uniform()).toBe(((x >>> 5) * 67108864 + (y >>> 6)) / 2 ** 53);
    // draws from state 1 2 3 4 are 11520, 0, 5927040, ...: int(3) over 2^32 - 1 values never rejects those
    expect([0, 1, 2].map(() => Xoshiro128.fromWords(1, 2, 3, 4).int(3))).toEqual([11520 % 3, 11520 % 3, 11520 % 3]);
    for (const bad of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => Xoshiro128.fromWords(1, 2, 3, 4).int(bad)).toThrow(/1 <= n <= 2\^32/);
    expect(() => new Rng(1.5)).toThrow(/integer/);
  });
});
