/**
 * Fitted straight lines y = intercept + slope * x, drawn dashed across the x extent of the data (or the
 * range the fit states). On a log y axis the line is sampled, since a straight line in y is not straight
 * there; the plot's clip path trims anything outside the box.
 */
import type { FitLine } from '../model.ts';
import { el, polylinePath } from './element.ts';
import type { LegendBlock, Layout } from './frame.ts';
import { categorical, NEUTRAL } from './palette.ts';
import { placeable, type Scale } from './scale.ts';

export function fitColour(fit: FitLine): string {
  return fit.colour === undefined || fit.colour === 'neutral' ? NEUTRAL : categorical(fit.colour);
}

/** The x values a fit asks the axis to include. */
export function fitXs(fits: FitLine[] | undefined): number[] {
  const out: number[] = [];
  for (const f of fits ?? []) {
    if (f.from !== undefined) out.push(f.from);
    if (f.to !== undefined) out.push(f.to);
  }
  return out;
}

export function fitLegend(fits: FitLine[] | undefined): LegendBlock {
  // an empty label keeps a fit out of the legend (e.g. one entry standing for a family of fits)
  return {
    entries: (fits ?? []).filter((f) => f.label !== '').map((f) => ({ label: f.label, swatch: { kind: 'line', colour: fitColour(f), dash: true } })),
  };
}

export function fitPaths(fits: FitLine[] | undefined, dataXs: number[], x: Scale, y: Scale, layout: Layout): string {
  if (!fits || fits.length === 0) return '';
  const finiteXs = dataXs.filter(Number.isFinite);
  const paths: string[] = [];
  for (const f of fits) {
    const from = f.from ?? (finiteXs.length > 0 ? Math.min(...finiteXs) : x.domain[0]);
    const to = f.to ?? (finiteXs.length > 0 ? Math.max(...finiteXs) : x.domain[1]);
    const samples = y.kind === 'log' || x.kind === 'log' ? 48 : 1;
    const points: Array<[number, number] | null> = [];
    for (let i = 0; i <= samples; i++) {
      const xv = x.kind === 'log' ? from * Math.pow(to / from, i / samples) : from + ((to - from) * i) / samples;
      const yv = f.intercept + f.slope * xv;
      points.push(placeable(x.kind, xv) && placeable(y.kind, yv) ? [layout.px(x.fraction(xv)), layout.py(y.fraction(yv))] : null);
    }
    paths.push(el('path', { class: 'fit', d: polylinePath(points), fill: 'none', stroke: fitColour(f), 'stroke-width': 1.6, 'stroke-dasharray': '6 3' }));
  }
  return el('g', { class: 'fits' }, ...paths);
}
