/**
 * The paper's numbers beside the reproduced ones in the per-experiment tables. claims.yaml is the one
 * place the published values live: a table cell shows the published value of the claim that names the
 * same artifact value (instance, file, path), so nothing of the paper is typed twice.
 */
import type { Cell, Column, NumberFormat, Table } from '../model.ts';
import { formatNumber } from '../format.ts';
import { publishedBound, valueText } from './claim-values.ts';
import type { StudyArtifact, StudyClaim } from './input.ts';

export class PublishedValues {
  private readonly byValue = new Map<string, StudyClaim>();

  constructor(claims: readonly StudyClaim[]) {
    // the first claim naming a value wins, in the order of claims.yaml
    for (const c of claims) {
      const key = PublishedValues.key(c.reproduced.instance, c.reproduced.file, c.reproduced.path ?? '');
      if (!this.byValue.has(key)) this.byValue.set(key, c);
    }
  }

  private static key(instance: string, file: string, path: string): string {
    return `${instance}\u0000${file}\u0000${path}`;
  }

  /** The claim naming this value of this artifact, trying each path in turn. */
  claimFor(artifact: StudyArtifact | null, ...paths: string[]): StudyClaim | null {
    if (artifact === null) return null;
    for (const path of paths) {
      const found = this.byValue.get(PublishedValues.key(artifact.instance, artifact.file, path));
      if (found) return found;
    }
    return null;
  }

  /** The published value as a table cell in `format` ("—" when no claim names the value). */
  cell(artifact: StudyArtifact | null, format: NumberFormat, ...paths: string[]): Cell {
    const claim = this.claimFor(artifact, ...paths);
    if (claim === null) return null;
    const p = claim.published;
    const bound = publishedBound(claim);
    if (bound !== null) return bound;
    if (typeof p === 'number') return { kind: 'number', value: p, format };
    if (Array.isArray(p)) return `[${formatNumber(p[0], format)}, ${formatNumber(p[1], format)}]`;
    return valueText(p);
  }
}

/**
 * Drops the "paper" columns (any column whose header starts with "paper") in which no row has a value,
 * so a profile or a claims file without those claims does not print empty columns.
 */
export function withoutEmptyPaperColumns(table: Table): Table {
  const keep = table.columns.map((column: Column, ci) => !column.header.startsWith('paper') || table.rows.some((row) => row[ci] !== null));
  if (keep.every(Boolean)) return table;
  return {
    ...table,
    columns: table.columns.filter((_, ci) => keep[ci]),
    rows: table.rows.map((row) => row.filter((_, ci) => keep[ci])),
  };
}
