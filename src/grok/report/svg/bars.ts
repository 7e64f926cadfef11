/**
 * Grouped bars with the individual runs as dots: one group per category (e.g. a rho cell), one bar per
 * series (e.g. float32, float64). A censored bar (the run reached its budget without the event, so the
 * value is only a lower bound) is drawn open and dashed with a "≥" label, so it cannot be read as a
 * measurement. Bars start at zero, so the y axis is linear and always includes 0.
 */
import { formatNumber } from '../format.ts';
import type { BarsChart } from '../model.ts';
import { axisOptions, type ChartOptions, type ChartResult, placedReferences, placedTicks, SkipCounter, unplaceableReason } from './chart-result.ts';
import { el, text } from './element.ts';
import { drawFrame, type LegendBlock, layoutFrame } from './frame.ts';
import { categorical, INK } from './palette.ts';
import { makeScale } from './scale.ts';

/** Horizontal placement inside a category: the bars fill this share of the category's width. */
const GROUP_FILL = 0.7;

export function barsChart(chart: BarsChart, options: ChartOptions): ChartResult {
  if ((chart.y.scale ?? 'linear') !== 'linear') {
    throw new Error(`bars chart "${chart.title}": y.scale is "${chart.y.scale}", but bars start at zero and need a linear axis; use a line chart with noLine for a log axis`);
  }
  const nCat = chart.categories.length;
  chart.series.forEach((s) => {
    if (s.values.length !== nCat) {
      throw new Error(
        `bars chart "${chart.title}": series "${s.name}" has ${s.values.length} values, but there are ${nCat} categories; ` +
          `give one value per category (value: null where there is none)`,
      );
    }
  });
  const skipped = new SkipCounter();
  const skippedRuns = new SkipCounter();
  const ys: number[] = [];
  for (const s of chart.series) {
    for (const v of s.values) {
      const reason = unplaceableReason('linear', v.value);
      if (reason) skipped.add(reason);
      else ys.push(v.value as number);
      for (const r of v.runs ?? []) {
        const runReason = unplaceableReason('linear', r);
        if (runReason) skippedRuns.add(runReason);
        else ys.push(r as number);
      }
    }
  }
  const yOptions = axisOptions(chart.y, chart.references, 'y');
  // bars stand on zero: no margin below it unless some value is negative; room above for value labels
  const y = makeScale('linear', ys, { ...yOptions, include: [0, ...(yOptions.include ?? [])], expand: [ys.some((v) => v < 0) ? 0.05 : 0, 0.1] });
  const colours = chart.series.map((s, i) => categorical(s.colour ?? i));
  const anyCensored = chart.series.some((s) => s.values.some((v) => v.censored));
  const legend: LegendBlock[] = [{ entries: chart.series.map((s, i) => ({ label: s.name, swatch: { kind: 'bar', colour: colours[i] } })) }];
  const extras: LegendBlock['entries'] = [];
  if (anyCensored) extras.push({ label: 'open: lower bound (budget reached)', swatch: { kind: 'bar', colour: INK, open: true } });
  if (chart.series.some((s) => s.values.some((v) => (v.runs ?? []).length > 0))) {
    extras.push({ label: 'one seed', swatch: { kind: 'marker', shape: 'circle', colour: INK, hollow: true } });
  }
  legend.push({ entries: extras });

  const layout = layoutFrame({
    idPrefix: options.idPrefix,
    width: options.width,
    height: options.height,
    title: chart.title,
    xLabel: '',
    yLabel: chart.y.label,
    xTicks: chart.categories.map((label, i) => ({ fraction: (i + 0.5) / Math.max(1, nCat), label })),
    yTicks: placedTicks(y),
    xGrid: false,
    legend,
  });
  const nSeries = Math.max(1, chart.series.length);
  const categoryWidth = layout.plot.width / Math.max(1, nCat);
  const barWidth = (categoryWidth * GROUP_FILL) / nSeries;
  const zero = layout.py(y.fraction(0));
  const bars: string[] = [];
  const dots: string[] = [];
  const labels: string[] = [];
  chart.series.forEach((s, si) => {
    s.values.forEach((v, ci) => {
      const left = layout.plot.x + ci * categoryWidth + (categoryWidth * (1 - GROUP_FILL)) / 2 + si * barWidth;
      const centre = left + barWidth / 2;
      const runs = (v.runs ?? []).filter((r): r is number => unplaceableReason('linear', r) === null);
      const spread = Math.min(barWidth * 0.6, 6 * Math.max(0, runs.length - 1));
      runs.forEach((r, ri) => {
        const dx = runs.length === 1 ? 0 : -spread / 2 + (spread * ri) / (runs.length - 1);
        dots.push(el('circle', { class: 'run', cx: centre + dx, cy: layout.py(y.fraction(r)), r: 2.6, fill: '#FFFFFF', stroke: INK, 'stroke-width': 1 }));
      });
      const highestDot = Math.min(zero, ...runs.map((r) => layout.py(y.fraction(r))));
      if (unplaceableReason('linear', v.value) !== null) {
        labels.push(el('text', { x: centre, y: highestDot - 5, 'text-anchor': 'middle', 'font-size': 12, fill: INK }, text('n/a')));
        return;
      }
      const top = layout.py(y.fraction(v.value as number));
      bars.push(
        el('rect', {
          class: 'bar',
          x: left + 1,
          y: Math.min(top, zero),
          width: barWidth - 2,
          height: Math.abs(zero - top),
          fill: colours[si],
          'fill-opacity': v.censored ? 0.22 : 0.85,
          stroke: colours[si],
          'stroke-width': v.censored ? 1.5 : 1,
          'stroke-dasharray': v.censored ? '5 3' : undefined,
        }),
      );
      if (!chart.valueFormat) return;
      const value = formatNumber(v.value as number, chart.valueFormat);
      if (v.censored) {
        // a lower bound is labelled inside its open bar, with an arrow: "at least this, maybe far more"
        labels.push(el('text', { x: centre, y: Math.min(top, zero) + 16, 'text-anchor': 'middle', 'font-size': 12, fill: INK }, text(`↑ ≥ ${value}`)));
      } else {
        labels.push(el('text', { x: centre, y: Math.min(top, zero, highestDot - 3) - 5, 'text-anchor': 'middle', 'font-size': 12, fill: INK }, text(value)));
      }
    });
  });
  const svg = drawFrame(layout, {
    data: bars.join('') + dots.join(''),
    overlay: el('g', { class: 'value-labels' }, ...labels),
    references: placedReferences(chart.references, undefined, y),
    message: ys.length === 0 ? 'no data' : undefined,
  });
  return { svg, notes: [...skipped.notes('bar'), ...skippedRuns.notes('seed value')], layout, y };
}
