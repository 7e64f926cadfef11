/**
 * A minimal SVG writer: elements as strings, attributes in the order given, numbers printed with a fixed
 * rule, text escaped. Nothing here depends on the host, so the same chart always gives the same bytes.
 */
import { escapeXml } from '../escape.ts';

export type AttributeValue = string | number | undefined | null;
export type Attributes = Record<string, AttributeValue>;

/**
 * A coordinate or length: rounded to 1/100 px (finer than any screen) and printed in its shortest form,
 * so that 12.300000000000001 and 12.3 give the same bytes.
 */
export function num(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`an SVG coordinate must be a finite number, found ${value}; a chart let a non-finite value through to drawing`);
  }
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function attributes(attrs: Attributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    out += ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/** An element with children already serialised (use `text` for character data). */
export function el(name: string, attrs: Attributes, ...children: string[]): string {
  const inner = children.join('');
  return inner === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

/** Character data, escaped. */
export function text(content: string): string {
  return escapeXml(content);
}

/** A path through points; null entries break the line into separate runs. */
export function polylinePath(points: Array<[number, number] | null>): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${num(p[0])} ${num(p[1])}`;
    pen = true;
  }
  return d;
}
