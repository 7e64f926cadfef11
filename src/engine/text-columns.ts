/**
 * Plain-text tables for the terminal (verify's claims, times): each column padded to its widest cell,
 * optionally capped, a longer cell cut with an ellipsis; trailing spaces trimmed.
 */
export interface AlignedColumns {
  lines: string[];
  widths: number[];
}

export function alignColumns(rows: readonly (readonly string[])[], maxWidths: readonly number[] = []): AlignedColumns {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.min(maxWidths[c] ?? Infinity, Math.max(0, ...rows.map((r) => (r[c] ?? '').length))));
  const lines = rows.map((r) =>
    widths
      .map((w, c) => {
        const cell = r[c] ?? '';
        return cell.length > w ? `${cell.slice(0, w - 1)}…` : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd(),
  );
  return { lines, widths };
}
