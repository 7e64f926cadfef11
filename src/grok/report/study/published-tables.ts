/**
 * The paper's per-cell tables (published-tables.yaml, beside claims.yaml): the numbers the report prints
 * in the "paper" column of each reproduced table. Read, never typed into report code; a row names its cell
 * by modulus and by cell / rho / tau / gamma / arm, and holds the metrics the paper gives for it.
 */
import { parse } from 'yaml';

export type PublishedRow = Record<string, number | string>;

export interface PublishedTable {
  source: string;
  rows: PublishedRow[];
}

export type PublishedTables = Record<string, PublishedTable>;

export const PUBLISHED_TABLES_FILE = 'published-tables.yaml';

export function parsePublishedTables(text: string, where = PUBLISHED_TABLES_FILE): PublishedTables {
  let document: unknown;
  try {
    document = parse(text);
  } catch (e) {
    throw new Error(`${where}: expected YAML, found a syntax error: ${(e as Error).message}`);
  }
  const tables = (document as { tables?: unknown } | null)?.tables;
  if (tables === null || typeof tables !== 'object' || Array.isArray(tables)) {
    throw new Error(`${where}: expected a mapping with a \`tables:\` mapping at the top (name -> { source, rows })`);
  }
  const out: PublishedTables = {};
  for (const [name, raw] of Object.entries(tables as Record<string, unknown>)) {
    const t = raw as { source?: unknown; rows?: unknown };
    if (typeof t?.source !== 'string' || !Array.isArray(t.rows)) {
      throw new Error(`${where}: tables.${name}: expected { source: <text>, rows: [ ... ] }`);
    }
    out[name] = {
      source: t.source,
      rows: t.rows.map((row, i) => {
        if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${where}: tables.${name}.rows[${i}]: expected a mapping`);
        for (const [k, v] of Object.entries(row)) {
          if (typeof v !== 'number' && typeof v !== 'string') throw new Error(`${where}: tables.${name}.rows[${i}].${k}: expected a number or a word, found ${JSON.stringify(v)}`);
        }
        if (typeof (row as PublishedRow).p !== 'number') throw new Error(`${where}: tables.${name}.rows[${i}]: expected the modulus p`);
        return row as PublishedRow;
      }),
    };
  }
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The row of `table` whose named fields all equal `match` (numbers compared to 1e-9); null if none. */
export function publishedRow(tables: PublishedTables | null, table: string, match: Record<string, number | string>): PublishedRow | null {
  const rows = tables?.[table]?.rows ?? [];
  return (
    rows.find((row) =>
      Object.entries(match).every(([k, v]) => {
        const x = row[k];
        return typeof v === 'number' ? typeof x === 'number' && close(x, v) : x === v;
      }),
    ) ?? null
  );
}

/** A numeric metric of a row, or null when the row or the metric is absent. */
export function metric(row: PublishedRow | null, name: string): number | null {
  const v = row?.[name];
  return typeof v === 'number' ? v : null;
}

/** The rows of one table at modulus p, in file order. */
export function rowsAt(tables: PublishedTables | null, table: string, p: number): PublishedRow[] {
  return (tables?.[table]?.rows ?? []).filter((r) => r.p === p);
}

export function sourceOf(tables: PublishedTables | null, table: string): string | null {
  return tables?.[table]?.source ?? null;
}
