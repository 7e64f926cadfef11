/**
 * Checks a report model before anything is drawn, so a mistake is reported once, with its place in the
 * model, instead of surfacing as a broken page. Ids become HTML ids and file names, hence the strict form.
 */
import type { ReportModel, Table } from './model.ts';

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function validateReport(model: ReportModel): void {
  const problems: string[] = [];
  if (model.header.title.trim() === '') problems.push('header.title is empty; give the study a title');
  const seen = { section: new Map<string, string>(), table: new Map<string, string>(), figure: new Map<string, string>() };
  const claim = (kind: keyof typeof seen, id: string, where: string) => {
    if (!ID.test(id)) {
      problems.push(`${where}: id "${id}" is not lowercase letters and digits joined by single '-' (e.g. "collapse-grid-59"); it becomes an HTML id and a file name`);
    }
    const first = seen[kind].get(id);
    if (first !== undefined) problems.push(`${where}: ${kind} id "${id}" is already used by ${first}; ${kind} ids must be unique in the report`);
    else seen[kind].set(id, where);
  };
  model.sections.forEach((section, si) => {
    const sWhere = `sections[${si}] ("${section.title}")`;
    claim('section', section.id, sWhere);
    (section.tables ?? []).forEach((table, ti) => {
      const where = `${sWhere}.tables[${ti}]`;
      claim('table', table.id, where);
      problems.push(...tableProblems(table, where));
    });
    (section.figures ?? []).forEach((figure, fi) => {
      const where = `${sWhere}.figures[${fi}]`;
      claim('figure', figure.id, where);
      for (const [name, value] of [['width', figure.width], ['height', figure.height]] as const) {
        if (value !== undefined && !(Number.isFinite(value) && value >= 120 && value <= 4000)) {
          problems.push(`${where}: ${name} is ${value}, expected a pixel size between 120 and 4000 (or leave it out for the default)`);
        }
      }
    });
  });
  if (problems.length > 0) {
    throw new Error(`the report model has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`);
  }
}

function tableProblems(table: Table, where: string): string[] {
  const problems: string[] = [];
  if (table.columns.length === 0) problems.push(`${where} ("${table.id}"): no columns; a table needs at least one`);
  table.rows.forEach((row, ri) => {
    if (row.length !== table.columns.length) {
      problems.push(`${where} ("${table.id}") row ${ri}: ${row.length} cells, but the table has ${table.columns.length} columns`);
    }
    row.forEach((cell, ci) => {
      const column = table.columns[ci];
      if (!column) return;
      const isComparison = cell !== null && typeof cell === 'object' && cell.kind === 'comparison';
      if (column.kind === 'comparison' && cell !== null && !isComparison) {
        problems.push(`${where} ("${table.id}") row ${ri}, column "${column.header}": a comparison column holds a non-comparison cell; use { kind: 'comparison', ... } or null`);
      }
      if (column.kind !== 'comparison' && isComparison) {
        problems.push(`${where} ("${table.id}") row ${ri}, column "${column.header}": a comparison cell in a value column; declare the column with kind: 'comparison'`);
      }
    });
  });
  return problems;
}
