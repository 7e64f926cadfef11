import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/grok/report/render.ts';
import { writeReport } from '../../src/grok/report/write.ts';
import type { ReportModel, Section } from '../../src/grok/report/model.ts';
import { sampleReportModel } from './report-fixture.ts';
import { wellFormednessProblems } from './report-xml.ts';

const model = sampleReportModel();
const files = renderReport(model);
const html = files['index.html'];
const md = files['report.md'];
const tables = model.sections.flatMap((s) => s.tables ?? []);
const figures = model.sections.flatMap((s) => s.figures ?? []);

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function minimal(sections: Section[]): ReportModel {
  return { header: { title: 'T', profile: 'smoke', pipeline: [], generator: 'grokpipe test' }, sections };
}

describe('the sample report', () => {
  it('has the paper-sized content the brief asks for', () => {
    const grid = figures.find((f) => f.id === 'collapse-grid-59')!.chart;
    expect(grid.type === 'scatter' && grid.points.length).toBe(12);
    const sweep = figures.find((f) => f.id === 'tau-sweep')!.chart;
    expect(sweep.type === 'line' && sweep.series.every((s) => s.points.length === 5)).toBe(true);
    const forks = figures.find((f) => f.id === 'forks-59')!.chart;
    expect(forks.type === 'curves' && forks.groups.map((g) => [g.runs.length, ...g.runs.map((r) => r.length)])).toEqual(
      Array.from({ length: 4 }, () => [4, 200, 200, 200, 200]),
    );
  });

  it('renders the same bytes for the same model, and for an equal model built again', () => {
    expect(renderReport(model)).toEqual(files);
    const again = renderReport(sampleReportModel());
    expect(Object.keys(again)).toEqual(Object.keys(files));
    for (const name of Object.keys(files)) expect(again[name]).toBe(files[name]);
  });

  it('changes when the data changes (the determinism test is not vacuous)', () => {
    const other = renderReport(sampleReportModel(8));
    expect(other['index.html']).not.toBe(html);
    expect(other['figures/forks-59.svg']).not.toBe(files['figures/forks-59.svg']);
  });

  it('writes index.html, report.md and one SVG file per figure, in reading order', () => {
    expect(Object.keys(files)).toEqual(['index.html', 'report.md', ...figures.map((f) => `figures/${f.id}.svg`)]);
  });

  it('shows every table and figure of the model, once, under its id', () => {
    expect(count(html, '<table ')).toBe(tables.length);
    for (const t of tables) expect(count(html, `id="tab-${t.id}"`)).toBe(1);
    expect(count(html, '<figure ')).toBe(figures.length);
    expect(count(html, '<svg ')).toBe(figures.length);
    for (const f of figures) {
      expect(count(html, `id="fig-${f.id}"`)).toBe(1);
      expect(count(md, `](figures/${f.id}.svg)`)).toBe(1);
    }
    for (const s of model.sections) expect(count(html, `id="sec-${s.id}"`)).toBe(1);
  });

  it('is well-formed XML throughout: the page and every standalone SVG', () => {
    expect(wellFormednessProblems(html)).toEqual([]);
    for (const f of figures) expect(wellFormednessProblems(files[`figures/${f.id}.svg`])).toEqual([]);
  });

  it('inlines the very SVG that is written beside it', () => {
    for (const f of figures) {
      const file = files[`figures/${f.id}.svg`];
      const svg = file.slice(file.indexOf('<svg'), file.lastIndexOf('</svg>') + 6);
      expect(html).toContain(svg);
    }
  });

  it('is self-contained: no script, stylesheet link, image or external url', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import/i);
    expect(html).not.toMatch(/\bsrc=/);
    const urls = [...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]);
    expect(urls.every((u) => u.startsWith('#'))).toBe(true);
  });

  it('carries no timestamp', () => {
    expect(html).not.toMatch(/\b20\d\d-\d\d-\d\d\b|\d\d:\d\d:\d\d/);
    expect(md).not.toMatch(/\b20\d\d-\d\d-\d\d\b|\d\d:\d\d:\d\d/);
  });

  it('prints the same table rows in HTML and Markdown, with comparisons as four columns', () => {
    const headline = tables.find((t) => t.id === 'headline-claims')!;
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('recovery fraction'));
    expect(rows).toHaveLength(1);
    const printedColumns = 1 + 4 * 2;
    expect(rows[0].split(/(?<!\\)\|/).length - 2).toBe(printedColumns);
    expect(headline.columns.length).toBe(3);
    expect(count(html, '<th scope="colgroup" colspan="4"')).toBeGreaterThanOrEqual(2);
  });

  it('counts the verdicts in the header', () => {
    const marks = [...html.matchAll(/<td class="check mark (pass|fail|none)"/g)].map((m) => m[1]);
    const pass = marks.filter((m) => m === 'pass').length;
    const fail = marks.filter((m) => m === 'fail').length;
    expect(html).toContain(`<li class="pass">PASS ${pass}</li><li class="fail">FAIL ${fail}</li>`);
    expect(fail).toBeGreaterThan(0);
  });
});

describe('determinism across processes', () => {
  it('gives the same bytes in another process with another time zone and locale', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grokpipe-report-det-'));
    try {
      const script = join(dir, 'render.mts');
      const here = import.meta.dirname;
      await writeFile(
        script,
        `import { renderReport } from ${JSON.stringify(join(here, '..', '..', 'src', 'grok', 'report', 'render.ts'))};\n` +
          `import { sampleReportModel } from ${JSON.stringify(join(here, 'report-fixture.ts'))};\n` +
          `import { createHash } from 'node:crypto';\n` +
          `process.stdout.write(createHash('sha256').update(JSON.stringify(renderReport(sampleReportModel()))).digest('hex'));\n`,
      );
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
        cwd: join(here, '..', '..'),
        timeout: 60_000,
      });
      expect(stdout).toBe(createHash('sha256').update(JSON.stringify(files)).digest('hex'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writing the files', () => {
  it('writes every file under the folder and refuses a path that leaves it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grokpipe-report-write-'));
    try {
      const written = await writeReport(dir, files);
      expect(written).toHaveLength(Object.keys(files).length);
      expect(await readFile(join(dir, 'figures', 'forks-97.svg'), 'utf8')).toBe(files['figures/forks-97.svg']);
      await expect(writeReport(dir, { 'figures/../../escape.svg': '<svg/>' })).rejects.toThrow(/outside/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('table cells that wrap', () => {
  const label = 'baseline (ρ = 1.00, τ = 1.00)';
  const files = renderReport(minimal([{ id: 's', title: 'S', text: [], tables: [{ id: 't', caption: 'c', columns: [{ header: 'cell' }, { header: 'T' }], rows: [[label, { kind: 'number', value: 1, format: { kind: 'integer' } }]] }] }]));

  it('keep "τ = 1.00" on one line in the page (no-break spaces around =), and leave the Markdown as written', () => {
    expect(files['index.html']).toContain('<td>baseline (ρ\u00a0=\u00a01.00, τ\u00a0=\u00a01.00)</td>');
    expect(files['index.html']).not.toContain(label);
    expect(files['report.md']).toContain(label);
  });
});

describe('escaping in the page and the Markdown', () => {
  const nasty = 'a < b & c | d *e*';
  const files = renderReport(
    minimal([
      {
        id: 's',
        title: nasty,
        text: [nasty],
        notes: [nasty],
        tables: [{ id: 't', caption: nasty, columns: [{ header: nasty }], rows: [[nasty]], footnote: nasty }],
        figures: [
          {
            id: 'f',
            caption: nasty,
            chart: { type: 'line', title: nasty, x: { label: nasty }, y: { label: nasty }, series: [{ name: nasty, points: [{ x: 1, y: 1 }] }] },
          },
        ],
      },
    ]),
  );

  it('never lets a raw < or & through to the HTML', () => {
    expect(files['index.html']).not.toContain('a < b');
    expect(files['index.html']).toContain('a &lt; b &amp; c');
    expect(wellFormednessProblems(files['index.html'])).toEqual([]);
  });

  it('keeps a | inside its Markdown table cell', () => {
    const row = files['report.md'].split('\n').find((l) => l.startsWith('| a'))!;
    expect(row).toBe('| a &lt; b &amp; c \\| d \\*e\\* |');
  });
});

describe('model validation', () => {
  it('reports every problem at once, with where it is and what to do', () => {
    const bad = minimal([
      {
        id: 'Bad Id',
        title: 'one',
        text: [],
        tables: [
          { id: 't', caption: '', columns: [{ header: 'a' }, { header: 'b' }], rows: [['x']] },
          {
            id: 't',
            caption: '',
            columns: [{ header: 'v' }],
            rows: [[{ kind: 'comparison', published: { text: 'x' }, reproduced: null, tolerance: { kind: 'none' } }]],
          },
        ],
      },
    ]);
    let message = '';
    try {
      renderReport(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/4 problems/);
    expect(message).toMatch(/id "Bad Id" is not lowercase/);
    expect(message).toMatch(/row 0: 1 cells, but the table has 2 columns/);
    expect(message).toMatch(/table id "t" is already used by sections\[0\] \("one"\)\.tables\[0\]/);
    expect(message).toMatch(/declare the column with kind: 'comparison'/);
  });

  it('accepts a report with no sections', () => {
    const out = renderReport(minimal([]));
    expect(Object.keys(out)).toEqual(['index.html', 'report.md']);
    expect(wellFormednessProblems(out['index.html'])).toEqual([]);
  });
});
