/**
 * Curves: every run (seed) of a group drawn faint, and the group's pointwise median drawn bold on top, so
 * the spread across seeds and the typical course read together. The median at each x is taken over the
 * runs with a finite value there (the mean of the two middle values for an even count); where no run has
 * one, the median line has a gap.
 */
import type { CurvesChart } from '../model.ts';
import { axisOptions, type ChartOptions, type ChartResult, layoutXYFrame, placedReferences, SkipCounter, unplaceableReason } from './chart-result.ts';
import { el, polylinePath } from './element.ts';
import { drawFrame, type LegendBlock } from './frame.ts';
import { categorical, NEUTRAL } from './palette.ts';
import { makeScale } from './scale.ts';

/** Pointwise median over runs, ignoring values that are null or not finite. */
export function pointwiseMedian(runs: Array<Array<number | null>>, length: number): Array<number | null> {
  const out: Array<number | null> = [];
  for (let i = 0; i < length; i++) {
    const column = runs
      .map((r) => r[i])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
      .sort((a, b) => a - b);
    if (column.length === 0) out.push(null);
    else {
      const mid = column.length >> 1;
      out.push(column.length % 2 === 1 ? column[mid] : (column[mid - 1] + column[mid]) / 2);
    }
  }
  return out;
}

export function curvesChart(chart: CurvesChart, options: ChartOptions): ChartResult {
  const xKind = chart.x.scale ?? 'linear';
  const yKind = chart.y.scale ?? 'linear';
  const n = chart.xValues.length;
  for (const g of chart.groups) {
    g.runs.forEach((run, r) => {
      if (run.length !== n) {
        throw new Error(
          `curves chart "${chart.title}": group "${g.name}" run ${r} has ${run.length} values, but xValues has ${n}; ` +
            `every run must be aligned with xValues (use null where a run has no value)`,
        );
      }
    });
  }
  const skipped = new SkipCounter();
  const xOk = chart.xValues.map((v) => unplaceableReason(xKind, v) === null);
  const isDrawable = (v: number | null, i: number): v is number => xOk[i] && unplaceableReason(yKind, v) === null;
  for (const g of chart.groups) {
    for (const run of g.runs) {
      run.forEach((v, i) => {
        if (!isDrawable(v, i)) skipped.add(xOk[i] ? (unplaceableReason(yKind, v) as string) : `its step is ${unplaceableReason(xKind, chart.xValues[i])}`);
      });
    }
  }
  const ys = chart.groups.flatMap((g) => g.runs.flatMap((run) => run.filter(isDrawable)));
  const x = makeScale(xKind, chart.xValues.filter((_, i) => xOk[i]), axisOptions(chart.x, chart.references, 'x'));
  const y = makeScale(yKind, ys, axisOptions(chart.y, chart.references, 'y'));

  const colours = chart.groups.map((g, i) => categorical(g.colour ?? i));
  const legend: LegendBlock[] = [
    { entries: chart.groups.map((g, i) => ({ label: g.name, swatch: { kind: 'line', colour: colours[i], width: 2.5 } })) },
    {
      entries: [
        { label: 'one seed', swatch: { kind: 'line', colour: NEUTRAL, width: 1, opacity: 0.35 } },
        { label: 'median over seeds', swatch: { kind: 'line', colour: NEUTRAL, width: 2.5 } },
      ],
    },
  ];
  const layout = layoutXYFrame(chart, options, x, y, legend);
  const path = (values: Array<number | null>) =>
    polylinePath(values.map((v, i) => (isDrawable(v, i) ? [layout.px(x.fraction(chart.xValues[i])), layout.py(y.fraction(v))] : null)));

  // all faint runs first, then every median, so no group's median hides under another group's runs
  const faint = chart.groups.map((g, i) =>
    el('g', { class: 'runs', stroke: colours[i], 'stroke-width': 1, 'stroke-opacity': 0.35, fill: 'none' }, ...g.runs.map((run) => el('path', { d: path(run) }))),
  );
  const medians = chart.groups.map((g, i) =>
    el('path', { class: 'median', d: path(pointwiseMedian(g.runs, n)), stroke: colours[i], 'stroke-width': 2.5, fill: 'none', 'stroke-linejoin': 'round' }),
  );
  const svg = drawFrame(layout, {
    data: faint.join('') + medians.join(''),
    references: placedReferences(chart.references, x, y),
    message: ys.length === 0 ? 'no data' : undefined,
  });
  return { svg, notes: skipped.notes('value'), layout, x, y };
}
