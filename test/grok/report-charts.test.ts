import { describe, expect, it } from 'vitest';
import type { BarsChart, CurvesChart, LineChart, ScatterChart } from '../../src/grok/report/model.ts';
import { barsChart } from '../../src/grok/report/svg/bars.ts';
import { renderChart } from '../../src/grok/report/svg/chart.ts';
import { curvesChart, pointwiseMedian } from '../../src/grok/report/svg/curves.ts';
import { lineChart } from '../../src/grok/report/svg/line-chart.ts';
import { scatterChart } from '../../src/grok/report/svg/scatter.ts';
import { wellFormednessProblems } from './report-xml.ts';

const BOX = { idPrefix: 'fig-test', width: 600, height: 380 };

/** The attributes of every element `name` with class `cls`, in document order. */
function elements(svg: string, name: string, cls: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of svg.matchAll(new RegExp(`<${name}\\s([^>]*?)/?>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = a[2];
    if ((attrs.class ?? '').split(' ').includes(cls)) out.push(attrs);
  }
  return out;
}

/** The 5%-each-side widening the scales apply, computed here from the data alone. */
function widened(lo: number, hi: number): [number, number] {
  return [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)];
}

function scatter(points: ScatterChart['points'], extra: Partial<ScatterChart> = {}): ScatterChart {
  return {
    type: 'scatter',
    title: 'ln T vs L',
    x: { label: 'L' },
    y: { label: 'ln T' },
    colourBy: { title: 'ρ', levels: ['1.00', '1.15'] },
    markerBy: { title: 'τ', levels: ['1.0'] },
    points,
    ...extra,
  };
}

describe('pixel positions follow the axis mapping', () => {
  it('places scatter points linearly in the plot box', () => {
    const data = [
      { x: 1, y: 2 },
      { x: 3, y: 5 },
      { x: 4, y: 4.5 },
      { x: 2.2, y: 3.1 },
    ];
    const result = scatterChart(scatter(data.map((d, i) => ({ ...d, colour: i % 2 === 0 ? '1.00' : '1.15', marker: '1.0' }))), BOX);
    const { plot } = result.layout;
    const [x0, x1] = widened(1, 4);
    const [y0, y1] = widened(2, 5);
    const circles = elements(result.svg, 'circle', 'pt');
    expect(circles).toHaveLength(data.length);
    data.forEach((d, i) => {
      const px = plot.x + ((d.x - x0) / (x1 - x0)) * plot.width;
      const py = plot.y + plot.height - ((d.y - y0) / (y1 - y0)) * plot.height;
      expect(Number(circles[i].cx)).toBeCloseTo(px, 1);
      expect(Number(circles[i].cy)).toBeCloseTo(py, 1);
    });
    // the plot box sits inside the drawing
    expect(plot.x).toBeGreaterThan(0);
    expect(plot.x + plot.width).toBeLessThanOrEqual(BOX.width);
    expect(plot.y + plot.height).toBeLessThanOrEqual(result.layout.height);
  });

  it('places line-chart points in log10 space on a log axis', () => {
    const data = [
      { x: 1, y: 10 },
      { x: 2, y: 1000 },
      { x: 3, y: 100 },
    ];
    const chart: LineChart = {
      type: 'line',
      title: 'T vs τ',
      x: { label: 'τ' },
      y: { label: 'T', scale: 'log' },
      series: [{ name: 'CE', points: data, marker: 'circle' }],
    };
    const result = lineChart(chart, BOX);
    const { plot } = result.layout;
    const [x0, x1] = widened(1, 3);
    const [l0, l1] = widened(Math.log10(10), Math.log10(1000));
    const circles = elements(result.svg, 'circle', 'pt');
    expect(circles).toHaveLength(3);
    data.forEach((d, i) => {
      expect(Number(circles[i].cx)).toBeCloseTo(plot.x + ((d.x - x0) / (x1 - x0)) * plot.width, 1);
      expect(Number(circles[i].cy)).toBeCloseTo(plot.y + plot.height - ((Math.log10(d.y) - l0) / (l1 - l0)) * plot.height, 1);
    });
  });

  it('draws a bar from zero to its value', () => {
    const chart: BarsChart = {
      type: 'bars',
      title: 'T_grok',
      y: { label: 'steps' },
      categories: ['a', 'b'],
      series: [{ name: 'f32', values: [{ value: 100 }, { value: 400 }] }],
    };
    const result = barsChart(chart, BOX);
    const { plot } = result.layout;
    // bars stand on zero (no margin below) and leave 10% above the tallest
    const top = 400 * 1.1;
    const py = (v: number) => plot.y + plot.height - (v / top) * plot.height;
    const bars = elements(result.svg, 'rect', 'bar');
    expect(bars).toHaveLength(2);
    [100, 400].forEach((v, i) => {
      expect(Number(bars[i].y)).toBeCloseTo(py(v), 1);
      expect(Number(bars[i].y) + Number(bars[i].height)).toBeCloseTo(py(0), 1);
    });
  });
});

describe('awkward data', () => {
  it('draws an empty chart with a "no data" message', () => {
    for (const result of [
      lineChart({ type: 'line', title: 'empty', x: { label: 'x' }, y: { label: 'y' }, series: [] }, BOX),
      scatterChart(scatter([]), BOX),
      curvesChart({ type: 'curves', title: 'empty', x: { label: 'x' }, y: { label: 'y' }, xValues: [], groups: [] }, BOX),
      barsChart({ type: 'bars', title: 'empty', y: { label: 'y' }, categories: [], series: [] }, BOX),
    ]) {
      expect(result.svg).toContain('no data');
      expect(wellFormednessProblems(result.svg)).toEqual([]);
      expect(result.notes).toEqual([]);
    }
  });

  it('skips null, NaN and infinite points and says how many', () => {
    const result = scatterChart(
      scatter([
        { x: 1, y: 1, colour: '1.00', marker: '1.0' },
        { x: null, y: 2, colour: '1.00', marker: '1.0' },
        { x: 2, y: Number.NaN, colour: '1.00', marker: '1.0' },
        { x: 3, y: Number.POSITIVE_INFINITY, colour: '1.15', marker: '1.0' },
        { x: 4, y: 3, colour: '1.15', marker: '1.0' },
      ]),
      BOX,
    );
    expect(elements(result.svg, 'circle', 'pt')).toHaveLength(2);
    expect(result.notes).toEqual(['2 points not drawn: missing or not a number', '1 point not drawn: infinite']);
    expect(result.svg).not.toContain('NaN');
    expect(result.svg).not.toContain('Infinity');
  });

  it('drops values that a log axis cannot show, with a note', () => {
    const chart: LineChart = {
      type: 'line',
      title: 'log',
      x: { label: 'x' },
      y: { label: 'y', scale: 'log' },
      series: [{ name: 's', points: [{ x: 1, y: 0 }, { x: 2, y: -5 }, { x: 3, y: 50 }, { x: 4, y: 500 }] }],
    };
    const result = lineChart(chart, BOX);
    expect(elements(result.svg, 'circle', 'pt')).toHaveLength(2);
    expect(result.notes).toEqual(['2 points not drawn: zero or negative on a log axis']);
  });

  it('breaks a line at a missing point instead of bridging it', () => {
    const chart: LineChart = {
      type: 'line',
      title: 'gap',
      x: { label: 'x' },
      y: { label: 'y' },
      series: [{ name: 's', points: [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: null }, { x: 4, y: 1 }, { x: 5, y: 2 }] }],
    };
    const d = elements(lineChart(chart, BOX).svg, 'path', 'series-line')[0].d;
    expect(d.match(/M/g)).toHaveLength(2);
  });

  it('centres a single point', () => {
    const result = scatterChart(scatter([{ x: 7, y: 7, colour: '1.00', marker: '1.0' }]), BOX);
    const { plot } = result.layout;
    const [c] = elements(result.svg, 'circle', 'pt');
    expect(Number(c.cx)).toBeCloseTo(plot.x + plot.width / 2, 1);
    expect(Number(c.cy)).toBeCloseTo(plot.y + plot.height / 2, 1);
  });

  it('copes with huge ranges on both scale kinds', () => {
    const huge: LineChart = {
      type: 'line',
      title: 'huge',
      x: { label: 'x', scale: 'log' },
      y: { label: 'y' },
      series: [{ name: 's', points: [{ x: 1e-9, y: -1e300 }, { x: 1, y: 0 }, { x: 1e12, y: 1e300 }] }],
    };
    const result = lineChart(huge, BOX);
    expect(wellFormednessProblems(result.svg)).toEqual([]);
    const circles = elements(result.svg, 'circle', 'pt');
    expect(circles).toHaveLength(3);
    for (const c of circles) {
      expect(Number(c.cx)).toBeGreaterThanOrEqual(result.layout.plot.x);
      expect(Number(c.cx)).toBeLessThanOrEqual(result.layout.plot.x + result.layout.plot.width);
    }
    expect(result.x?.ticks.length).toBeLessThanOrEqual(8);
  });

  it('reports an unknown colour level as a model mistake', () => {
    expect(() => scatterChart(scatter([{ x: 1, y: 1, colour: '9.99', marker: '1.0' }]), BOX)).toThrow(/colourBy level "9.99".*add the level/);
  });
});

describe('curves', () => {
  it('take the pointwise median over the finite values', () => {
    expect(pointwiseMedian([[1, null, 3, null], [3, Number.NaN, 5, null], [2, 4, null, null]], 4)).toEqual([2, 4, 4, null]);
  });

  it('draw every run faint and one median per group', () => {
    const xValues = Array.from({ length: 50 }, (_, i) => 100 + 25 * i);
    const chart: CurvesChart = {
      type: 'curves',
      title: 'forks',
      x: { label: 'step' },
      y: { label: 'test accuracy' },
      xValues,
      groups: ['free', 'same', 'raised'].map((name, g) => ({
        name,
        runs: [0, 1, 2, 3].map((r) => xValues.map((t) => 1 / (1 + Math.exp(-(t - 500 - 200 * g - 30 * r) / 80)))),
      })),
    };
    const result = curvesChart(chart, BOX);
    const runPaths = [...result.svg.matchAll(/<g class="runs"[^>]*>(.*?)<\/g>/g)].map((m) => (m[1].match(/<path /g) ?? []).length);
    expect(runPaths).toEqual([4, 4, 4]);
    expect(elements(result.svg, 'path', 'median')).toHaveLength(3);
  });

  it('reject a run that is not aligned with the steps', () => {
    const chart: CurvesChart = { type: 'curves', title: 'bad', x: { label: 'x' }, y: { label: 'y' }, xValues: [1, 2, 3], groups: [{ name: 'g', runs: [[1, 2]] }] };
    expect(() => curvesChart(chart, BOX)).toThrow(/run 0 has 2 values, but xValues has 3/);
  });
});

describe('bars', () => {
  it('label a censored bar as a lower bound and draw it open', () => {
    const chart: BarsChart = {
      type: 'bars',
      title: 'audit',
      y: { label: 'T' },
      categories: ['ρ 1.25'],
      series: [{ name: 'f64', values: [{ value: 60000, censored: true }] }],
      valueFormat: { kind: 'integer' },
    };
    const svg = barsChart(chart, BOX).svg;
    expect(svg).toContain('≥ 60');
    expect(elements(svg, 'rect', 'bar')[0]['stroke-dasharray']).toBeDefined();
  });

  it('refuse a log axis', () => {
    const chart: BarsChart = { type: 'bars', title: 'b', y: { label: 'T', scale: 'log' }, categories: ['a'], series: [{ name: 's', values: [{ value: 1 }] }] };
    expect(() => barsChart(chart, BOX)).toThrow(/linear axis/);
  });
});

describe('every chart', () => {
  const nasty = 'ln T < 10 & "x" > 0';
  const charts = [
    scatter([{ x: 1, y: 2, colour: '1.00', marker: '1.0' }, { x: 2, y: 3, colour: '1.15', marker: '1.0' }], {
      title: nasty,
      x: { label: nasty },
      colourBy: { title: nasty, levels: ['1.00', '1.15'] },
      fits: [{ intercept: 1, slope: 1, label: nasty }],
      references: [{ axis: 'y', value: 2.5, label: nasty }],
    }),
    { type: 'line', title: nasty, x: { label: 'x' }, y: { label: nasty }, series: [{ name: nasty, points: [{ x: 1, y: 1, hollow: true }] }], hollowMeaning: nasty } as LineChart,
    { type: 'curves', title: nasty, x: { label: 'x' }, y: { label: 'y' }, xValues: [1, 2], groups: [{ name: nasty, runs: [[0.1, 0.9]] }] } as CurvesChart,
    { type: 'bars', title: nasty, y: { label: 'y' }, categories: [nasty], series: [{ name: nasty, values: [{ value: 3, runs: [2, 4] }] }] } as BarsChart,
  ];

  it.each(charts.map((c) => [c.type, c] as const))('%s: is well-formed and escapes < & " in labels', (_, chart) => {
    const { svg } = renderChart(chart, BOX);
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(svg).not.toContain(nasty);
    expect(svg).toContain('ln T &lt; 10 &amp; &quot;x&quot; &gt; 0');
  });

  it.each(charts.map((c) => [c.type, c] as const))('%s: gives the same bytes twice', (_, chart) => {
    expect(renderChart(chart, BOX).svg).toBe(renderChart(structuredClone(chart), BOX).svg);
  });
});
