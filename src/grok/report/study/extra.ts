/**
 * Stages the report does not know by name (a researcher's own addition, wired into the report's deps):
 * each artifact becomes a table of its scalar fields, so a new stage shows up on the page, and its claims
 * in the headline table, without a change to this builder.
 */
import type { Cell, Section, Table } from '../model.ts';
import type { StudyArtifact } from './input.ts';

const MAX_ROWS = 40;

/** Scalar fields by dot path, depth-first in key order, at most two levels deep (arrays are skipped). */
function scalarFields(value: unknown, prefix = '', depth = 0): Array<[string, Cell]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: Array<[string, Cell]> = [];
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof v === 'number') out.push([path, { kind: 'number', value: Number.isFinite(v) ? v : null, format: { kind: 'significant', digits: 4 } }]);
    else if (typeof v === 'string' || typeof v === 'boolean') out.push([path, String(v)]);
    else if (v === null) out.push([path, null]);
    else if (depth < 1) out.push(...scalarFields(v, path, depth + 1));
  }
  return out;
}

function tableId(artifact: StudyArtifact, index: number): string {
  const slug = `${artifact.instance}-${artifact.file}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `extra-${index + 1}-${slug}`.slice(0, 60).replace(/-$/, '');
}

export function extraSection(extra: readonly StudyArtifact[]): Section | null {
  if (extra.length === 0) return null;
  const tables: Table[] = extra.map((artifact, i) => {
    const fields = scalarFields(artifact.data);
    const shown = fields.slice(0, MAX_ROWS);
    return {
      id: tableId(artifact, i),
      caption: `${artifact.instance} / ${artifact.file}: its scalar fields`,
      columns: [{ header: 'field' }, { header: 'value', align: 'right' }],
      rows: shown.map(([path, cell]) => [path, cell]),
      ...(fields.length > shown.length ? { footnote: `${fields.length - shown.length} more fields in the artifact` } : {}),
    };
  });
  return {
    id: 'further-stages',
    title: 'Further stages',
    text: ['Artifacts of stages added to the pipeline beyond the paper’s experiments, as their stages wrote them. A claim in claims.yaml that names one is checked in the headline table.'],
    tables,
  };
}
