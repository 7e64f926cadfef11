/**
 * The paper's tables beside ours, cell by cell: published-tables.yaml is read (never typed into report
 * code), each row's three cells are paper | ours | ours/paper, and the transformer and layer-allocation
 * sections carry their own comparisons and figures.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/grok/report/index.ts';
import type { Cell, Table } from '../../src/grok/report/model.ts';
import { buildStudyReport } from '../../src/grok/report/study/index.ts';
import { besideTable } from '../../src/grok/report/study/beside.ts';
import { metric, parsePublishedTables, publishedRow } from '../../src/grok/report/study/published-tables.ts';
import { wellFormednessProblems } from './report-xml.ts';
import { buildStudyInput, PAPER_OPTIONS, sampleClaims } from './study-report-fixture.ts';

const TABLES = parsePublishedTables(readFileSync(new URL('../../published-tables.yaml', import.meta.url), 'utf8'));
const OPTIONS = { ...PAPER_OPTIONS, seeds: 4, doseSeeds: 2, auditSeeds: 2, resamples: 200 };
const input = buildStudyInput(OPTIONS, sampleClaims(), 'paper');
const model = buildStudyReport(input);
const tables = model.sections.flatMap((s) => s.tables ?? []);
const table = (id: string): Table => {
  const t = tables.find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id} among ${tables.map((x) => x.id).join(', ')}`);
  return t;
};
const value = (c: Cell): number | null => (c !== null && typeof c === 'object' && c.kind === 'number' ? c.value : null);
const row = (t: Table, label: string) => t.rows.find((r) => r[0] === label)!;

describe('published-tables.yaml', () => {
  it('parses, and rows are found by their cell coordinates', () => {
    expect(metric(publishedRow(TABLES, 'ce_sweep', { p: 59, rho: 1.15, tau: 1.3 }), 'tGrok')).toBe(6825);
    expect(publishedRow(TABLES, 'ce_sweep', { p: 59, rho: 1.2, tau: 1.3 })).toBeNull();
    expect(publishedRow(null, 'ce_sweep', { p: 59 })).toBeNull();
  });

  it('refuses a malformed file with the table and row that is wrong', () => {
    expect(() => parsePublishedTables('nope: 1')).toThrow(/expected a mapping with a `tables:`/);
    expect(() => parsePublishedTables('tables:\n  x: { rows: [] }')).toThrow(/tables.x: expected \{ source/);
    expect(() => parsePublishedTables('tables:\n  x: { source: s, rows: [{ tGrok: 1 }] }')).toThrow(/rows\[0\]: expected the modulus p/);
    expect(() => parsePublishedTables('tables:\n  x: { source: s, rows: [{ p: 1, v: [1] }] }')).toThrow(/rows\[0\].v: expected a number/);
  });
});

describe('besideTable', () => {
  it('prints paper | ours | ours/paper per metric, the ratio only where both exist', () => {
    const t = besideTable({
      id: 'x',
      caption: 'c',
      metrics: [{ header: 'T', format: { kind: 'integer' } }],
      rows: [
        { label: 'a', values: [{ published: 200, ours: 300 }] },
        { label: 'b', values: [{ published: 200, ours: null, oursMissing: 'not grokked' }] },
      ],
    });
    expect(t.columns.map((c) => c.header)).toEqual(['cell', 'T: paper', 'T: ours', 'ours / paper']);
    expect(value(t.rows[0][3])).toBe(1.5);
    expect(value(t.rows[1][3])).toBeNull();
    expect(t.rows[1][2]).toMatchObject({ value: null, missing: 'not grokked' });
  });
});

describe('the report’s per-cell comparisons', () => {
  it('puts each CE and MSE sweep cell of the paper beside ours', () => {
    const ce = table('paper-ce-sweep-p59');
    const mediation = input.mediation.find((m) => m.data.loss === 'ce' && m.data.p === 59)!.data;
    const base = row(ce, 'baseline (ρ = 1.00, τ = 1.00)');
    expect(value(base[1])).toBe(metric(publishedRow(TABLES, 'ce_sweep', { p: 59, cell: 'baseline' }), 'tGrok'));
    expect(value(base[2])).toBe(mediation.t0);
    expect(value(base[3])).toBeCloseTo((mediation.t0 as number) / (value(base[1]) as number), 12);
    const hot = row(ce, 'ρ = 1.15, τ = 1.70');
    expect(value(hot[2])).toBe(mediation.sweep.find((s) => s.tau === 1.7)!.summary.medianTGrok);
    expect(table('paper-mse-sweep-p97').rows).toHaveLength(TABLES.mse_sweep.rows.filter((r) => r.p === 97).length);
  });

  it('puts beside each clamped CE cell the T_grok ratio the two w_c alone predict, exp(α·ρ·Δw_c)', () => {
    const ce = table('paper-ce-sweep-p97');
    const last = ce.columns.length - 1;
    expect(ce.columns[last].header).toBe('T_grok ratio the w_c alone predicts');
    const ours = input.free.find((f) => f.data.cell.model === 'mlp' && f.data.cell.loss === 'ce' && f.data.cell.p === 97)!.data.wc as number;
    const paper = metric(publishedRow(TABLES, 'ce_sweep', { p: 97, cell: 'free' }), 'wc') as number;
    const alpha = metric(publishedRow(TABLES, 'dose_fits', { p: 97 }), 'alpha') as number;
    expect(value(row(ce, 'baseline (ρ = 1.00, τ = 1.00)')[last])).toBeCloseTo(Math.exp(alpha * (ours - paper)), 12);
    expect(value(row(ce, 'ρ = 1.15, τ = 1.30')[last])).toBeCloseTo(Math.exp(alpha * 1.15 * (ours - paper)), 12);
    expect(row(ce, 'free control')[last]).toBeNull();
    // MSE: the dose law is a cross-entropy law, so no such column
    expect(table('paper-mse-sweep-p97').columns.map((c) => c.header)).not.toContain('T_grok ratio the w_c alone predicts');
  });

  it('shows w_c’s spread: the lowest and highest norm at grokking over the seeds that grokked', () => {
    const free = table('free-controls');
    const headers = free.columns.map((c) => c.header);
    const lo = headers.indexOf('lowest ‖W‖ at T_grok');
    const hi = headers.indexOf('highest ‖W‖ at T_grok');
    expect(lo).toBeGreaterThan(0);
    const control = input.free.find((f) => f.data.cell.model === 'mlp' && f.data.cell.loss === 'ce' && f.data.cell.p === 97)!.data;
    const norms = control.perSeed.filter((s) => s.tGrok !== null).map((s) => s.normAtGrok as number);
    const r = free.rows.find((x) => x[0] === 'MLP' && x[1] === 'CE' && value(x[2]) === 97)!;
    expect(value(r[lo])).toBe(Math.min(...norms));
    expect(value(r[hi])).toBe(Math.max(...norms));
    expect(Math.min(...norms)).toBeLessThan(Math.max(...norms));
  });

  it('shows the dose fits, the fork arms, the transformer’s two papers and layer allocation cell by cell', () => {
    expect(table('paper-dose-fits').rows.map((r) => r[0])).toEqual(['p = 43', 'p = 59', 'p = 67', 'p = 97', 'p = 113']);
    const forks = table('paper-forks-p59');
    expect(value(row(forks, 'raised arm')[2])).toBe(input.forks.find((f) => f.data.p === 59)!.data.arms.raised.medianDelayFromFork);
    const companion = table('transformer-companion');
    const t = input.transformer!.data;
    // columns: cell | held norm paper, ours, ratio | T_grok paper, ours, ratio | seeds grokked
    expect(value(row(companion, 'ρ = 0.85, τ = 1.00')[5])).toBe(t.lowered!.summary.medianTGrok);
    expect(value(row(companion, 'ρ = 0.85, τ = 1.00')[4])).toBe(metric(publishedRow(TABLES, 'companion_transformer', { p: 59, rho: 0.85 }), 'tGrok'));
    const paper = table('transformer-paper');
    expect(value(row(paper, 'paper’s ρ = 1.15, τ = 1.70')[5])).toBe(t.held!.cells.find((c) => c.tau === 1.7)!.summary.medianTGrok);
    const layers = table('layer-allocation-p97');
    expect(layers.rows).toHaveLength(5);
    expect(value(layers.rows[0][1])).toBe(metric(publishedRow(TABLES, 'layer_allocation', { p: 97, gamma: -0.6 }), 'tGrok'));
  });

  it('explains the transformer from the artifact: the w_c of both papers, the delay law, the held norm', () => {
    const text = model.sections.find((s) => s.id === 'transformer')!.text.join(' ');
    expect(text).toContain('36.87');
    expect(text).toContain('32.49');
    expect(text).toContain('exponential in the held norm');
    expect(text).toContain('37.37');
    const files = renderReport(model);
    expect(Object.keys(files)).toContain('figures/transformer-held-norm.svg');
    expect(wellFormednessProblems(files['index.html'])).toEqual([]);
    for (const [name, body] of Object.entries(files)) expect(body, name).not.toMatch(/NaN|undefined|>null</);
  });
});
