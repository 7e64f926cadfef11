/**
 * The report renderer's entry point: a ReportModel in, the report's files out, as a map from relative
 * path to content. Same model, same bytes: nothing here reads a clock, the environment or the host.
 */
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { ReportModel } from './model.ts';
import { numberReport } from './numbering.ts';
import { validateReport } from './validate.ts';

/** Relative path -> file content: 'index.html', 'report.md', then 'figures/<id>.svg' in reading order. */
export type ReportFiles = Record<string, string>;

export function renderReport(model: ReportModel): ReportFiles {
  validateReport(model);
  const sections = numberReport(model);
  const files: ReportFiles = {
    'index.html': renderHtml(model, sections),
    'report.md': renderMarkdown(model, sections),
  };
  for (const s of sections) {
    for (const f of s.figures) files[f.file] = `<?xml version="1.0" encoding="UTF-8"?>\n${f.svg}\n`;
  }
  return files;
}
