/**
 * Tables and figures are numbered once, in reading order, and their charts drawn once, so the HTML page,
 * the Markdown file and the standalone SVG files all agree on "Figure 3" and on its bytes.
 */
import type { Figure, ReportModel, Section, Table } from './model.ts';
import { renderChart } from './svg/chart.ts';

export const DEFAULT_FIGURE_WIDTH = 600;
export const DEFAULT_FIGURE_HEIGHT = 380;

export interface NumberedTable {
  table: Table;
  number: number;
  elementId: string;
}

export interface NumberedFigure {
  figure: Figure;
  number: number;
  elementId: string;
  /** the path of its standalone file, relative to the report */
  file: string;
  svg: string;
  width: number;
  /** what the chart could not draw, in words */
  notes: string[];
}

export interface NumberedSection {
  section: Section;
  number: number;
  elementId: string;
  tables: NumberedTable[];
  figures: NumberedFigure[];
}

export function numberReport(model: ReportModel): NumberedSection[] {
  let tableNumber = 0;
  let figureNumber = 0;
  return model.sections.map((section, si) => ({
    section,
    number: si + 1,
    elementId: `sec-${section.id}`,
    tables: (section.tables ?? []).map((table) => ({ table, number: ++tableNumber, elementId: `tab-${table.id}` })),
    figures: (section.figures ?? []).map((figure) => {
      const elementId = `fig-${figure.id}`;
      const width = figure.width ?? DEFAULT_FIGURE_WIDTH;
      const chart = renderChart(figure.chart, { idPrefix: elementId, width, height: figure.height ?? DEFAULT_FIGURE_HEIGHT });
      return { figure, number: ++figureNumber, elementId, file: `figures/${figure.id}.svg`, svg: chart.svg, width, notes: chart.notes };
    }),
  }));
}
