/**
 * The shared core's canonical JSON (src/core/canonical-json.ts) against RFC 8785, the JSON
 * Canonicalization Scheme: its number examples (appendix B, IEEE 754 bit patterns and the text they must
 * become), its key-ordering example (3.2.3) and its full example (3.2.2), plus string escaping.
 * The expected strings are the RFC's, not outputs of our code.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonPretty, canonicalNumber } from '../../src/core/canonical-json.ts';

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonical JSON numbers (RFC 8785 appendix B)', () => {
  const cases: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // minus zero
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(cases)('bits %s serialise as %s', (bits, text) => {
    const n = fromBits(bits);
    expect(canonicalNumber(n)).toBe(text);
    expect(canonicalJson(n)).toBe(text);
    expect(canonicalJson([n])).toBe(`[${text}]`);
  });
  it('refuses NaN and the infinities by default, naming where; writes null only when the caller asks', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      const n = fromBits(bits);
      expect(() => canonicalNumber(n)).toThrow(/finite number/);
      expect(() => canonicalJson({ a: [1, n] })).toThrow(/at \$\.a\[1\]/);
      expect(canonicalJson({ a: [1, n] }, { nonFinite: 'null' })).toBe('{"a":[1,null]}');
    }
  });
});

describe('canonical JSON structure (RFC 8785 3.2.2, 3.2.3)', () => {
  it('sorts keys by UTF-16 code units (the RFC 3.2.3 example), recursively', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // read the order from the text: Object.keys would list the integer-like key "1" first whatever the text says
    const order = [...canonicalJson(value).matchAll(/"([^"]*)":"[^"]*"/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(order).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    // a code-point order would put U+FB33 before the surrogate pair; UTF-16 order puts it after
    expect(canonicalJson({ b: { z: 1, a: 2 }, a: 0 })).toBe('{"a":0,"b":{"a":2,"z":1}}');
  });
  it('writes the RFC 3.2.2 example byte for byte', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });
  it('escapes strings as RFC 8785 says: the two-character escapes, \\u00xx in lower case for other controls, nothing else', () => {
    expect(canonicalJson('\b\t\n\f\r')).toBe(String.raw`"\b\t\n\f\r"`);
    expect(canonicalJson('\u0000\u001f\u007f')).toBe('"\\u0000\\u001f\u007f"');
    expect(canonicalJson('"\\/é€😀')).toBe('"\\"\\\\/é€😀"');
    // a lone surrogate is not I-JSON; it is escaped (so the bytes are valid UTF-8) and round-trips
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
    expect(JSON.parse(canonicalJson('\ud800'))).toBe('\ud800');
  });
  it('writes typed arrays as arrays, drops undefined fields, refuses what JSON cannot hold', () => {
    expect(canonicalJson({ x: new Float64Array([0.5, -0]), y: undefined, z: [undefined] })).toBe('{"x":[0.5,0],"z":[null]}');
    expect(() => canonicalJson(undefined)).toThrow(/undefined at \$/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function at \$\.f/);
    expect(() => canonicalJson({ n: 10n })).toThrow(/bigint at \$\.n/);
  });
  it('has an indented form with the same order and numbers, for files people diff', () => {
    const value = { b: [1, { d: 1e21, c: -0 }], a: {} };
    expect(canonicalJsonPretty(value)).toBe('{\n  "a": {},\n  "b": [\n    1,\n    {\n      "c": 0,\n      "d": 1e+21\n    }\n  ]\n}\n');
    expect(JSON.parse(canonicalJsonPretty(value))).toEqual(JSON.parse(canonicalJson(value)));
  });
});
