/**
 * Table cells as text, shared by the HTML and Markdown writers so both print the same characters.
 * A comparison cell expands to four: published, reproduced, tolerance, check.
 */
import { describeTolerance, markOf } from './compare.ts';
import { formatEstimate, formatNumber } from './format.ts';
import type { Cell, Column, Mark, Quantity, Table } from './model.ts';

export const COMPARISON_PARTS = ['published', 'reproduced', 'tolerance', 'check'] as const;

export interface CellText {
  text: string;
  /** numbers align right; text aligns left */
  numeric: boolean;
  /** set on the "check" part of a comparison */
  mark?: Mark;
  /** the reason behind a comparison's mark */
  why?: string;
}

export function quantityText(q: Quantity): string {
  return 'text' in q ? q.text : formatEstimate(q);
}

/** The printed parts of one cell: one part, or four for a comparison column. */
export function cellParts(cell: Cell, column: Column): CellText[] {
  if (column.kind === 'comparison') {
    if (cell === null || typeof cell !== 'object' || cell.kind !== 'comparison') {
      return COMPARISON_PARTS.map(() => ({ text: '', numeric: false }));
    }
    const mark = markOf(cell);
    return [
      { text: quantityText(cell.published), numeric: !('text' in cell.published) },
      {
        text: cell.reproduced === null ? 'not run' : quantityText(cell.reproduced),
        // "not run" sits where the number would be
        numeric: !('text' in (cell.reproduced ?? cell.published)),
      },
      { text: describeTolerance(cell.tolerance, 'format' in cell.published ? cell.published.format : undefined), numeric: false },
      { text: mark === 'DIVERGES' ? 'DIVERGES (explained)' : mark, numeric: false, mark, why: cell.why },
    ];
  }
  if (cell === null) return [{ text: '—', numeric: false }];
  if (typeof cell === 'string') return [{ text: cell, numeric: false }];
  switch (cell.kind) {
    case 'number':
      return [{ text: cell.value === null ? (cell.missing ?? '—') : formatNumber(cell.value, cell.format), numeric: cell.value !== null }];
    case 'estimate':
      return [{ text: formatEstimate(cell), numeric: true }];
    case 'comparison':
      // validateReport rejects this; kept total so the writers never see undefined
      return [{ text: quantityText(cell.published), numeric: false }];
  }
}

/**
 * A value column whose cells are all numbers (null and missing values aside) is aligned right, header
 * included, so the digits line up.
 */
export function numericColumn(table: Table, ci: number): boolean {
  const cells = table.rows.map((row) => row[ci]).filter((cell) => cell !== null);
  return cells.length > 0 && cells.every((cell) => typeof cell === 'object' && (cell.kind === 'number' || cell.kind === 'estimate'));
}

export function tableHasComparison(table: Table): boolean {
  return table.columns.some((c) => c.kind === 'comparison');
}

/** Every comparison in the model, with its mark, for the scorecard. */
export function tallyMarks(tables: Table[]): Record<Mark, number> {
  const tally: Record<Mark, number> = { PASS: 0, FAIL: 0, DIVERGES: 0, '—': 0 };
  for (const t of tables) {
    for (const row of t.rows) {
      for (const cell of row) {
        if (cell !== null && typeof cell === 'object' && cell.kind === 'comparison') tally[markOf(cell)]++;
      }
    }
  }
  return tally;
}
