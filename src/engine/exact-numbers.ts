/**
 * Numbers in YAML that JSON cannot carry exactly are refused where they are written. `.nan`, `.inf`,
 * `-.inf` and `1e400` (which overflows to an infinity) have no JSON form: they all became null and
 * shared one key with `null`. An integer literal beyond 2^53 (9007199254740993) is rounded to a
 * neighbour (…992) by the parser: two different values, one key, and the stage got the neighbour.
 * A non-zero literal that underflows to 0 (1e-400) is the same loss at the other end. Each of these is
 * refused with its line and column, before anything runs, so every param, var and matrix value is a
 * value the key and the stage see exactly as written.
 */
import { isScalar, visit, type Document, type Scalar } from 'yaml';

export interface InexactNumber {
  node: Scalar;
  /** The literal as written. */
  literal: string;
  why: string;
  hint: string;
}

const INTEGER_LITERAL = /^[-+]?(?:0|[1-9][0-9_]*|0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+)$/i;
const NONZERO_DIGIT = /[1-9]/;

/** The first number in `doc` that would not survive as written; `text` is what `doc` was parsed from. */
export function firstInexactNumber(doc: Document.Parsed | Document, text: string): InexactNumber | null {
  let found: InexactNumber | null = null;
  visit(doc, {
    Scalar(_key, node) {
      if (found || !isScalar(node) || (typeof node.value !== 'number' && typeof node.value !== 'bigint')) return;
      const literal = node.range ? text.slice(node.range[0], node.range[1]).trim() : String(node.value);
      const n = Number(node.value);
      if (Number.isNaN(n)) {
        found = { node, literal, why: 'NaN, which JSON (and so the key) cannot hold; it would become null', hint: 'use a finite number, or a string such as "nan" if the stage reads it as one' };
      } else if (!Number.isFinite(n)) {
        found = { node, literal, why: `${literal} is an infinity${/^[-+]?\.inf$/i.test(literal) ? '' : ' (it overflows a 64-bit float)'}, which JSON (and so the key) cannot hold; it would become null`, hint: 'use a finite number (at most 1.7976931348623157e308), or a string such as "inf" if the stage reads it as one' };
      } else if (INTEGER_LITERAL.test(literal) && !Number.isSafeInteger(n)) {
        found = { node, literal, why: `an integer beyond 2^53, which a 64-bit float cannot hold exactly: it would be read as ${BigInt(n)}`, hint: 'use an integer between -9007199254740991 and 9007199254740991, or a string if the stage parses it itself' };
      } else if (n === 0 && NONZERO_DIGIT.test(literal.replace(/e.*$/i, ''))) {
        found = { node, literal, why: `${literal} underflows to 0 in a 64-bit float`, hint: 'use 0, or a number of magnitude at least 5e-324' };
      }
    },
  });
  return found;
}
