/**
 * Scatter with fitted lines: each point coloured by one variable (e.g. rho, on a sequential scale since it
 * is ordered) and shaped by another (e.g. tau); fit lines drawn over the x extent of the data.
 */
import type { ScatterChart } from '../model.ts';
import { axisOptions, type ChartOptions, type ChartResult, layoutXYFrame, placedReferences, SkipCounter, unplaceableReason } from './chart-result.ts';
import { el } from './element.ts';
import { fitLegend, fitPaths, fitXs } from './fit-lines.ts';
import { drawFrame, type LegendBlock } from './frame.ts';
import { MARKER_ORDER, marker } from './markers.ts';
import { categorical, NEUTRAL, sequential } from './palette.ts';
import { makeScale } from './scale.ts';

export function scatterChart(chart: ScatterChart, options: ChartOptions): ChartResult {
  const xKind = chart.x.scale ?? 'linear';
  const yKind = chart.y.scale ?? 'linear';
  const colourOf = levelLookup(chart.colourBy.levels, 'colourBy', chart.title, (i, n) =>
    chart.colourBy.palette === 'sequential' ? sequential(i, n) : categorical(i),
  );
  const shapeOf = levelLookup(chart.markerBy.levels, 'markerBy', chart.title, (i) => MARKER_ORDER[i % MARKER_ORDER.length]);

  const skipped = new SkipCounter();
  const drawable = chart.points.filter((p) => {
    const reason = unplaceableReason(xKind, p.x) ?? unplaceableReason(yKind, p.y);
    if (reason) skipped.add(reason);
    return reason === null;
  }) as Array<ScatterChart['points'][number] & { x: number; y: number }>;

  const xs = drawable.map((p) => p.x);
  const x = makeScale(xKind, [...xs, ...fitXs(chart.fits)], axisOptions(chart.x, chart.references, 'x'));
  const y = makeScale(yKind, drawable.map((p) => p.y), axisOptions(chart.y, chart.references, 'y'));

  const legend: LegendBlock[] = [
    { title: chart.colourBy.title, entries: chart.colourBy.levels.map((l) => ({ label: l, swatch: { kind: 'marker', shape: 'circle', colour: colourOf(l) } })) },
    { title: chart.markerBy.title, entries: chart.markerBy.levels.map((l) => ({ label: l, swatch: { kind: 'marker', shape: shapeOf(l), colour: NEUTRAL } })) },
    fitLegend(chart.fits),
  ];
  const layout = layoutXYFrame(chart, options, x, y, legend);

  const lines = fitPaths(chart.fits, xs, x, y, layout);
  const points = drawable.map((p) =>
    marker(shapeOf(p.marker), layout.px(x.fraction(p.x)), layout.py(y.fraction(p.y)), {
      colour: colourOf(p.colour),
      hollow: p.hollow,
      size: 4.5,
      className: 'pt',
    }),
  );
  const svg = drawFrame(layout, {
    data: lines + el('g', { class: 'points' }, ...points),
    references: placedReferences(chart.references, x, y),
    message: drawable.length === 0 ? 'no data' : undefined,
  });
  return { svg, notes: skipped.notes('point'), layout, x, y };
}

/** Maps a level name to its style; an unknown level is a mistake in the model, reported with its place. */
function levelLookup<T>(levels: string[], field: string, title: string, style: (index: number, count: number) => T): (level: string) => T {
  const index = new Map(levels.map((l, i) => [l, i]));
  return (level) => {
    const i = index.get(level);
    if (i === undefined) {
      throw new Error(
        `scatter chart "${title}": a point has ${field} level "${level}", but ${field}.levels is [${levels.map((l) => `"${l}"`).join(', ')}]; ` +
          `add the level to ${field}.levels or fix the point`,
      );
    }
    return style(i, levels.length);
  };
}
