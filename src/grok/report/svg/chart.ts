/** One entry point for every chart type of the report model. */
import type { Chart } from '../model.ts';
import { barsChart } from './bars.ts';
import type { ChartOptions, ChartResult } from './chart-result.ts';
import { curvesChart } from './curves.ts';
import { lineChart } from './line-chart.ts';
import { scatterChart } from './scatter.ts';

export type { ChartOptions, ChartResult } from './chart-result.ts';

export function renderChart(chart: Chart, options: ChartOptions): ChartResult {
  switch (chart.type) {
    case 'scatter':
      return scatterChart(chart, options);
    case 'line':
      return lineChart(chart, options);
    case 'curves':
      return curvesChart(chart, options);
    case 'bars':
      return barsChart(chart, options);
  }
}
