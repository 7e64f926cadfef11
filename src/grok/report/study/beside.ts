/**
 * A reproduced table beside the published one, cell by cell: for each metric three columns, the paper's
 * value, ours, and ours / paper, so a reader sees agreement per cell and not only per claim.
 */
import type { Cell, NumberFormat, Table } from '../model.ts';
import { numberCell, times } from './cells.ts';

export interface BesideMetric {
  header: string;
  format: NumberFormat;
}

export interface BesideValue {
  published: number | null;
  ours: number | null;
  /** Printed for ours when it is null, e.g. "not grokked (budget 30 000)". */
  oursMissing?: string;
  /** Printed for the paper's value when it is null, e.g. "none of 16 within 30k". */
  publishedMissing?: string;
}

export interface BesideRow {
  label: string;
  values: BesideValue[];
  /** Plain cells after the metric triples (one per `extra` header). */
  extra?: Cell[];
}

export function besideTable(spec: { id: string; caption: string; metrics: BesideMetric[]; rows: BesideRow[]; extra?: string[]; footnote?: string }): Table {
  const columns = [
    { header: 'cell' },
    ...spec.metrics.flatMap((m) => [{ header: `${m.header}: paper` }, { header: `${m.header}: ours` }, { header: 'ours / paper' }]),
    ...(spec.extra ?? []).map((header) => ({ header })),
  ];
  const rows: Cell[][] = spec.rows.map((row) => [
    row.label,
    ...spec.metrics.flatMap((m, i): Cell[] => {
      const v = row.values[i] ?? { published: null, ours: null };
      const ratio = v.published !== null && v.ours !== null && v.published !== 0 ? v.ours / v.published : null;
      return [
        numberCell(v.published, m.format, v.publishedMissing),
        numberCell(v.ours, m.format, v.oursMissing),
        numberCell(ratio, times(2)),
      ];
    }),
    ...(row.extra ?? []),
  ]);
  return { id: spec.id, caption: spec.caption, columns, rows, ...(spec.footnote ? { footnote: spec.footnote } : {}) };
}
