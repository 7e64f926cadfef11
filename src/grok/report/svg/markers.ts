/**
 * Point markers. Shapes carry the second categorical dimension (e.g. tau) so that colour and shape each
 * encode one variable; the shapes are sized to equal visual area rather than equal width.
 */
import type { MarkerShape } from '../model.ts';
import { el, num } from './element.ts';

export const MARKER_ORDER: MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'];

export interface MarkerStyle {
  colour: string;
  hollow?: boolean;
  /** radius of the equal-area circle, px */
  size?: number;
  className?: string;
}

/** A marker centred on (x, y). Hollow markers keep a white fill so lines under them do not show through. */
export function marker(shape: MarkerShape, x: number, y: number, style: MarkerStyle): string {
  const r = style.size ?? 4;
  const paint = {
    class: style.className,
    fill: style.hollow ? '#FFFFFF' : style.colour,
    stroke: style.colour,
    'stroke-width': style.hollow ? 1.6 : 1,
  };
  switch (shape) {
    case 'circle':
      return el('circle', { ...paint, cx: x, cy: y, r });
    case 'square': {
      const h = r * 0.886; // half side of the square with the circle's area
      return el('rect', { ...paint, x: x - h, y: y - h, width: 2 * h, height: 2 * h });
    }
    case 'triangle':
    case 'triangle-down': {
      const s = r * 1.35; // circumradius of the equilateral triangle with the circle's area
      const dir = shape === 'triangle' ? -1 : 1;
      const d =
        `M${num(x)} ${num(y + dir * s)}` +
        `L${num(x + s * 0.866)} ${num(y - dir * s * 0.5)}` +
        `L${num(x - s * 0.866)} ${num(y - dir * s * 0.5)}Z`;
      return el('path', { ...paint, d });
    }
    case 'diamond': {
      const s = r * 1.25;
      return el('path', { ...paint, d: `M${num(x)} ${num(y - s)}L${num(x + s)} ${num(y)}L${num(x)} ${num(y + s)}L${num(x - s)} ${num(y)}Z` });
    }
    case 'cross': {
      const s = r * 1.1;
      return el('path', {
        class: style.className,
        fill: 'none',
        stroke: style.colour,
        'stroke-width': 2,
        d: `M${num(x - s)} ${num(y)}L${num(x + s)} ${num(y)}M${num(x)} ${num(y - s)}L${num(x)} ${num(y + s)}`,
      });
    }
  }
}
