/**
 * Multi-series line chart with markers, optional error bars, hollow markers for points that are shown but
 * set apart (e.g. dose cells cut from the fit), and fitted lines. A missing point breaks its series' line
 * rather than bridging the gap, so the chart never implies a measurement that was not made.
 */
import type { LineChart } from '../model.ts';
import { axisOptions, type ChartOptions, type ChartResult, layoutXYFrame, placedReferences, SkipCounter, unplaceableReason } from './chart-result.ts';
import { el, num, polylinePath } from './element.ts';
import { fitLegend, fitPaths, fitXs } from './fit-lines.ts';
import { drawFrame, type LegendBlock } from './frame.ts';
import { MARKER_ORDER, marker } from './markers.ts';
import { categorical, NEUTRAL } from './palette.ts';
import { makeScale, placeable } from './scale.ts';

export function lineChart(chart: LineChart, options: ChartOptions): ChartResult {
  const xKind = chart.x.scale ?? 'linear';
  const yKind = chart.y.scale ?? 'linear';
  const skipped = new SkipCounter();
  const series = chart.series.map((s, i) => ({
    ...s,
    colourHex: categorical(s.colour ?? i),
    shape: s.marker ?? MARKER_ORDER[i % MARKER_ORDER.length],
    drawable: s.points.map((p) => {
      const reason = unplaceableReason(xKind, p.x) ?? unplaceableReason(yKind, p.y);
      if (reason) skipped.add(reason);
      return reason === null ? (p as typeof p & { x: number; y: number }) : null;
    }),
  }));
  const points = series.flatMap((s) => s.drawable.filter((p) => p !== null));
  const xs = points.map((p) => p.x);
  const ys = points.flatMap((p) => [p.y, ...[p.low, p.high].filter((v): v is number => placeable(yKind, v))]);
  const x = makeScale(xKind, [...xs, ...fitXs(chart.fits)], axisOptions(chart.x, chart.references, 'x'));
  const y = makeScale(yKind, ys, axisOptions(chart.y, chart.references, 'y'));

  const legend: LegendBlock[] = [
    {
      entries: series.map((s) => ({ label: s.name, swatch: { kind: 'line', colour: s.colourHex, dash: s.dash, shape: s.shape, width: s.noLine ? 0 : 2 } })),
    },
    fitLegend(chart.fits),
  ];
  if (chart.fitMeaning && (chart.fits ?? []).length > 0) {
    legend.push({ entries: [{ label: chart.fitMeaning, swatch: { kind: 'line', colour: NEUTRAL, dash: true } }] });
  }
  if (chart.hollowMeaning && points.some((p) => p.hollow)) {
    legend.push({ entries: [{ label: chart.hollowMeaning, swatch: { kind: 'marker', shape: 'circle', colour: NEUTRAL, hollow: true } }] });
  }
  const layout = layoutXYFrame(chart, options, x, y, legend);
  const px = (v: number) => layout.px(x.fraction(v));
  const py = (v: number) => layout.py(y.fraction(v));

  const layers: string[] = [fitPaths(chart.fits, xs, x, y, layout)];
  for (const s of series) {
    const group: string[] = [];
    if (!s.noLine) {
      const d = polylinePath(s.drawable.map((p) => (p === null ? null : [px(p.x), py(p.y)])));
      group.push(el('path', { class: 'series-line', d, fill: 'none', stroke: s.colourHex, 'stroke-width': 2, 'stroke-dasharray': s.dash ? '6 3' : undefined }));
    }
    for (const p of s.drawable) {
      if (p === null || !placeable(yKind, p.low) || !placeable(yKind, p.high)) continue;
      const cx = px(p.x);
      const [top, bottom] = [py(p.high), py(p.low)];
      group.push(
        el('path', {
          class: 'error-bar',
          d: `M${num(cx)} ${num(top)}V${num(bottom)}M${num(cx - 3)} ${num(top)}h6M${num(cx - 3)} ${num(bottom)}h6`,
          stroke: s.colourHex,
          'stroke-width': 1.2,
          fill: 'none',
        }),
      );
    }
    for (const p of s.drawable) {
      if (p === null) continue;
      group.push(marker(s.shape, px(p.x), py(p.y), { colour: s.colourHex, hollow: p.hollow, size: 4, className: 'pt' }));
    }
    layers.push(el('g', { class: 'series' }, ...group));
  }
  const svg = drawFrame(layout, {
    data: layers.join(''),
    references: placedReferences(chart.references, x, y),
    message: points.length === 0 ? 'no data' : undefined,
  });
  return { svg, notes: skipped.notes('point'), layout, x, y };
}
