/** The report renderer's public surface. */
export type * from './model.ts';
export { renderReport, type ReportFiles } from './render.ts';
export { writeReport } from './write.ts';
export { judge, markOf, describeTolerance } from './compare.ts';
export { formatNumber, formatEstimate } from './format.ts';
export { validateReport } from './validate.ts';
export { renderChart, type ChartResult, type ChartOptions } from './svg/chart.ts';
