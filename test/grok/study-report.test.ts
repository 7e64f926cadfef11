/**
 * The study's report builder on analysis results computed by the real analyses from synthetic cells
 * (study-report-fixture.ts). Expected values are read from the artifacts in the test, never typed in, and
 * every verdict is checked against `grokpipe verify`'s own rule (judgeClaim() of src/core/claims.ts).
 */
import { describe, expect, it } from 'vitest';
import { type Claim, judgeClaim } from '../../src/core/claims.ts';
import { formatNumber, markOf, renderReport } from '../../src/grok/report/index.ts';
import type { Cell, ComparisonCell, Estimate, ReportModel, Table } from '../../src/grok/report/model.ts';
import { buildStudyReport, parseClaims, type StudyClaim, type StudyReportInput } from '../../src/grok/report/study/index.ts';
import { wellFormednessProblems } from './report-xml.ts';
import { buildStudyInput, QUICK_OPTIONS, sampleClaims } from './study-report-fixture.ts';

const PROFILE = 'quick';
const OPTIONS = { ...QUICK_OPTIONS, stalledTau: 1.15 };
const input = buildStudyInput(OPTIONS, sampleClaims(), PROFILE);
const model = buildStudyReport(input);

const tables = (m: ReportModel): Table[] => m.sections.flatMap((s) => s.tables ?? []);
const table = (m: ReportModel, id: string): Table => {
  const found = tables(m).find((t) => t.id === id);
  if (!found) throw new Error(`no table ${id}; tables: ${tables(m).map((t) => t.id).join(', ')}`);
  return found;
};
const isComparison = (c: Cell): c is ComparisonCell => c !== null && typeof c === 'object' && c.kind === 'comparison';

/** The value at a claim's path, walked here independently of the builder. */
function valueOf(data: StudyReportInput, claim: StudyClaim): unknown {
  const artifacts = [
    ...data.mediation,
    ...data.dissociation,
    ...data.grid,
    ...data.memorization,
    ...data.dose,
    ...data.forks,
    ...data.free,
    ...(data.audit ? [data.audit] : []),
    ...(data.transformer ? [data.transformer] : []),
  ];
  const artifact = artifacts.find((a) => a.instance === claim.reproduced.instance && a.file === claim.reproduced.file);
  if (!artifact) return undefined;
  return (claim.reproduced.path ?? '').split('.').reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], artifact.data);
}

/** The headline row of a claim (its label ends with "(id)"). */
function claimRow(m: ReportModel, id: string): Cell[] {
  const row = table(m, 'headline-claims').rows.find((r) => r[0] === id || (typeof r[0] === 'string' && r[0].endsWith(`(${id})`)));
  if (!row) throw new Error(`no headline row for claim ${id}`);
  return row;
}

function claimCell(m: ReportModel, id: string): ComparisonCell {
  const cell = claimRow(m, id)[2];
  if (!isComparison(cell)) throw new Error(`claim ${id}: the third cell is not a comparison`);
  return cell;
}

const verifyMark = (claim: StudyClaim, value: unknown) => (judgeClaim(claim as Claim, value).pass ? 'PASS' : 'FAIL');

describe('the headline claims', () => {
  const applying = input.claims.filter((c) => !c.profiles || c.profiles.includes(PROFILE));

  it('has one row per claim of the profile, in file order, with the value read from its artifact', () => {
    const rows = table(model, 'headline-claims').rows;
    expect(rows.length).toBe(applying.length);
    expect(applying.length).toBeGreaterThan(10);
    applying.forEach((claim, i) => {
      expect(rows[i][0]).toContain(`(${claim.id})`);
      expect(rows[i][1]).toBe(`${claim.reproduced.instance}/${claim.reproduced.file}: ${claim.reproduced.path}`);
      const value = valueOf(input, claim);
      const reproduced = claimCell(model, claim.id).reproduced;
      if (typeof value === 'number') expect((reproduced as Estimate).value).toBe(value);
      else expect(reproduced).toEqual({ text: typeof value === 'string' ? value : JSON.stringify(value) });
    });
  });

  it('marks every claim exactly as grokpipe verify does', () => {
    const marks = applying.map((claim) => [claim.id, markOf(claimCell(model, claim.id))]);
    expect(marks).toEqual(applying.map((claim) => [claim.id, verifyMark(claim, valueOf(input, claim))]));
  });

  it('prints the bootstrap interval stored beside a statistic', () => {
    const mediation = input.mediation.find((m) => m.instance === 'mediation[loss=ce,p=59]')!.data;
    const reproduced = claimCell(model, 'norm_up_ce_59').reproduced as Estimate;
    expect([reproduced.low, reproduced.high]).toEqual([mediation.bootstrap.normUpRatio.lower, mediation.bootstrap.normUpRatio.upper]);
  });

  it('lists the claims of other profiles as not covered', () => {
    const others = input.claims.filter((c) => c.profiles && !c.profiles.includes(PROFILE));
    expect(others.length).toBeGreaterThan(0);
    const rows = table(model, 'claims-not-covered').rows;
    expect(rows.map((r) => r[0])).toEqual(others.map((c) => `${c.title} (${c.id})`));
    expect(rows.every((r) => r[2] === 'paper')).toBe(true);
  });
});

describe('the tolerance boundary', () => {
  const mediation = input.mediation.find((m) => m.instance === 'mediation[loss=ce,p=59]')!;
  const v = mediation.data.recoveryFraction as number;
  const at = { instance: mediation.instance, file: mediation.file, path: 'recoveryFraction' };
  const t = 0.05;
  const claim = (id: string, published: StudyClaim['published'], check: StudyClaim['check']): StudyClaim => ({ id, published, reproduced: at, check });
  const cases: Array<[StudyClaim, 'PASS' | 'FAIL']> = [
    [claim('abs-in', v + 0.999 * t, { type: 'within', tolerance: t }), 'PASS'],
    [claim('abs-out', v + 1.001 * t, { type: 'within', tolerance: t }), 'FAIL'],
    [claim('rel-in', v / (1 - 0.999 * t), { type: 'within', tolerance: t, relative: true }), 'PASS'],
    [claim('rel-out', v / (1 - 1.001 * t), { type: 'within', tolerance: t, relative: true }), 'FAIL'],
    [claim('least-in', v + 0.999 * t, { type: 'at_least', tolerance: t }), 'PASS'],
    [claim('least-out', v + 1.001 * t, { type: 'at_least', tolerance: t }), 'FAIL'],
    [claim('most-in', v - 0.999 * t, { type: 'at_most', tolerance: t }), 'PASS'],
    [claim('most-out', v - 1.001 * t, { type: 'at_most', tolerance: t }), 'FAIL'],
    [claim('interval-low-in', [v + 0.999 * t, v + 1], { type: 'in_interval', tolerance: t }), 'PASS'],
    [claim('interval-low-out', [v + 1.001 * t, v + 1], { type: 'in_interval', tolerance: t }), 'FAIL'],
    [claim('interval-high-in', [v - 1, v - 0.999 * t], { type: 'in_interval', tolerance: t }), 'PASS'],
    [claim('interval-high-out', [v - 1, v - 1.001 * t], { type: 'in_interval', tolerance: t }), 'FAIL'],
    [claim('interval-bare-in', [v, v], { type: 'in_interval' }), 'PASS'],
    [claim('equals-number-in', v, { type: 'equals' }), 'PASS'],
    [claim('equals-number-out', v * (1 + 1e-12), { type: 'equals' }), 'FAIL'],
  ];
  const verdicts = input.audit!.data.cells.map((c) => c.verdict);
  const other = (s: string) => (s === 'precision-robust' ? 'float32 softmax-collapse confounded' : 'precision-robust');
  cases.push(
    [{ id: 'equals-text-in', published: verdicts[0], reproduced: { instance: 'audit', file: 'audit.json', path: 'cells.0.verdict' }, check: { type: 'equals' } }, 'PASS'],
    [{ id: 'equals-text-out', published: other(verdicts[0]), reproduced: { instance: 'audit', file: 'audit.json', path: 'cells.0.verdict' }, check: { type: 'equals' } }, 'FAIL'],
  );
  const m = buildStudyReport({ ...input, claims: cases.map(([c]) => c) });

  it.each(cases.map(([c, expected]) => [c.id, c, expected] as const))('%s', (_id, c, expected) => {
    expect(markOf(claimCell(m, c.id))).toBe(expected);
    expect(verifyMark(c, valueOf(input, c))).toBe(expected);
  });
});

describe('missing values and missing experiments', () => {
  const budgetText = `not grokked (budget ${formatNumber(OPTIONS.budget, { kind: 'integer' })})`;

  it('prints a cell that did not grok as "not grokked (budget N)" and never a number', () => {
    const cells = table(model, 'mediation-cells');
    const row = cells.rows.find((r) => r[0] === 'τ = 1.15')!;
    const ceColumn = cells.columns.findIndex((c) => c.header.startsWith('CE, p = 59'));
    expect(row[ceColumn]).toMatchObject({ kind: 'number', value: null, missing: budgetText });
    expect(row[ceColumn + 1]).toMatchObject({ kind: 'number', value: null });
    const html = renderReport(model)['index.html'];
    expect(html).toContain(budgetText);
  });

  it('fails a claim whose value the analysis left null, as verify does', () => {
    const memorization = input.memorization[0];
    const index = memorization.data.cells.findIndex((c) => Math.abs(c.tau - OPTIONS.stalledTau) < 1e-9);
    expect(memorization.data.cells[index].medianTGrok).toBeNull();
    const c: StudyClaim = {
      id: 'stalled',
      published: 3000,
      reproduced: { instance: memorization.instance, file: memorization.file, path: `cells.${index}.medianTGrok` },
      check: { type: 'within', tolerance: 0.2, relative: true },
    };
    const cell = claimCell(buildStudyReport({ ...input, claims: [c] }), 'stalled');
    expect(cell.reproduced).toEqual({ text: 'not computed' });
    expect(markOf(cell)).toBe('FAIL');
    expect(verifyMark(c, null)).toBe('FAIL');
  });

  it('fails a claim whose path does not exist, and leaves a claim on an instance the report lacks unjudged', () => {
    const claims: StudyClaim[] = [
      { id: 'typo', published: 1, reproduced: { instance: 'mediation[loss=ce,p=59]', file: 'mediation.json', path: 'recoveryFraktion' }, check: { type: 'within', tolerance: 1 } },
      { id: 'elsewhere', published: 1, reproduced: { instance: 'cell[loss=ce,p=59,rho=1,tau=1]', file: 'cell.json', path: 'medianTGrok' }, check: { type: 'within', tolerance: 1 } },
    ];
    const m = buildStudyReport({ ...input, claims });
    expect(markOf(claimCell(m, 'typo'))).toBe('FAIL');
    expect(claimCell(m, 'typo').why).toContain('recoveryFraktion');
    expect(claimCell(m, 'elsewhere').reproduced).toBeNull();
    expect(markOf(claimCell(m, 'elsewhere'))).toBe('—');
  });

  it('omits the sections of experiments the profile did not run, and still renders', () => {
    const partial = buildStudyInput({ ...OPTIONS, without: ['dose', 'grid', 'memorization', 'forks', 'audit', 'transformer', 'dissociation', 'layers'] }, sampleClaims(), PROFILE);
    const m = buildStudyReport(partial);
    expect(m.sections.map((s) => s.id)).toEqual(['headline', 'free-controls', 'temperature', 'paper-tables', 'not-covered']);
    const files = renderReport(m);
    expect(Object.keys(files).filter((f) => f.startsWith('figures/'))).toEqual([
      'figures/tau-sweep.svg',
      'figures/mediation-curve-ce.svg',
      'figures/mediation-curve-mse.svg',
    ]);
    // the claims on the missing experiments are shown, not judged
    expect(claimCell(m, 'collapse_r2_l_59').reproduced).toBeNull();
    expect(markOf(claimCell(m, 'collapse_r2_l_59'))).toBe('—');
  });

  it('shows the transformer free control and baseline, without ratio or sweep figure, for a profile without its raised-norm cells', () => {
    const m = buildStudyReport(buildStudyInput({ ...OPTIONS, transformerTaus: [], transformerNormRhos: [1], transformerHeldTaus: [], withoutPublishedTables: true }, sampleClaims(), PROFILE));
    const section = m.sections.find((s) => s.id === 'transformer')!;
    const tables = section.tables ?? [];
    expect(tables.map((t) => t.id)).toEqual(['transformer-cells']);
    expect(tables[0].rows.map((r) => r[0])).toEqual(['free control (no clamp, τ = 1)', 'baseline (ρ = 1, τ = 1)']);
    expect(section.figures).toEqual([]);
    expect(section.text.join(' ')).toContain('belong to the full and paper profiles');
    const files = renderReport(m);
    expect(Object.keys(files)).not.toContain('figures/transformer-sweep.svg');
    for (const [name, text] of Object.entries(files)) expect(text, name).not.toMatch(/NaN|undefined|>null</);
  });

  it('renders a study in which no clamped cell grokked: "not grokked" everywhere, never NaN or undefined', () => {
    const stalled = buildStudyInput({ ...OPTIONS, budget: 400 }, sampleClaims(), PROFILE);
    expect(stalled.mediation.every((m) => m.data.t0 === null && m.data.recoveryFraction === null)).toBe(true);
    expect(stalled.grid.every((g) => g.data.fitL === null)).toBe(true);
    expect(stalled.dose.every((d) => d.data.fit === null)).toBe(true);
    const m = buildStudyReport(stalled);
    const files = renderReport(m);
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).not.toMatch(/NaN|undefined|Infinity|>null</);
    }
    expect(files['index.html']).toContain('not grokked (budget 400)');
    expect(files['index.html']).toContain(`bootstrap of the recovery fraction at CE, p = 59: ${OPTIONS.resamples} of ${OPTIONS.resamples} resamples gave no value`);
    expect(wellFormednessProblems(files['index.html'])).toEqual([]);
    // the recovery claim has no value: it fails, as verify would
    expect(markOf(claimCell(m, 'recovery_59'))).toBe('FAIL');
    expect(verifyMark(input.claims.find((c) => c.id === 'recovery_59')!, null)).toBe('FAIL');
    // a path through a null (no dose fit): not computed, and a FAIL
    expect(claimCell(m, 'dose_r2_59').reproduced).toEqual({ text: 'not computed' });
    expect(markOf(claimCell(m, 'dose_r2_59'))).toBe('FAIL');
  });

  it('builds a page with no claims at all', () => {
    const m = buildStudyReport({ ...input, claims: [] });
    expect(m.sections[0].tables).toBeUndefined();
    expect(m.sections.some((s) => s.id === 'not-covered')).toBe(false);
    expect(() => renderReport(m)).not.toThrow();
  });
});

// Issue 21: an explained divergence (claims.yaml `expect: diverges`) reads DIVERGES with its reason, as in
// verify, and neither PASS nor FAIL; once it passes it is a FAIL saying the divergence is gone.
describe('an expected divergence', () => {
  const mediation = input.mediation.find((m) => m.instance === 'mediation[loss=ce,p=59]')!;
  const v = mediation.data.recoveryFraction as number;
  const reason = 'our runner shares the companion calibration, the paper’s sits 12% lower';
  const diverging = (published: number): StudyClaim => ({
    id: 'held_ratio',
    title: 'held ratio',
    published,
    reproduced: { instance: mediation.instance, file: mediation.file, path: 'recoveryFraction' },
    check: { type: 'within', tolerance: 0.1 },
    why: 'the tolerance’s reason',
    expect: 'diverges',
    reason,
  });

  it('marks a claim that still diverges DIVERGES with its reason, and renders it so in both formats', () => {
    const m = buildStudyReport({ ...input, claims: [diverging(v + 1)] });
    const cell = claimCell(m, 'held_ratio');
    expect(markOf(cell)).toBe('DIVERGES');
    expect(cell.why).toBe(reason);
    const files = renderReport(m);
    const md = files['report.md'];
    expect(md).toContain(`**DIVERGES (explained)** (${reason})`);
    expect(md).toMatch(/PASS 0, FAIL 0, DIVERGES \(explained\) 1, not judged 0/);
    const html = files['index.html'];
    expect(html).toContain(`<td class="check mark diverges" title="${reason}"><span>DIVERGES (explained)</span><div class="reason">${reason}</div></td>`);
    expect(html).toContain('<li class="diverges">DIVERGES (explained) 1</li>');
    expect(html).toContain('<li class="fail">FAIL 0</li>');
    expect(wellFormednessProblems(html)).toEqual([]);
  });

  it('fails it once it passes, saying the divergence is gone', () => {
    const cell = claimCell(buildStudyReport({ ...input, claims: [diverging(v)] }), 'held_ratio');
    expect(markOf(cell)).toBe('FAIL');
    expect(cell.why).toContain('the divergence is gone');
    expect(cell.why).toContain('remove `expect: diverges`');
  });

  it('gives a claim without the expectation its plain verdict', () => {
    const { expect: _e, reason: _r, ...plain } = diverging(v + 1);
    expect(markOf(claimCell(buildStudyReport({ ...input, claims: [plain] }), 'held_ratio'))).toBe('FAIL');
  });
});

describe('published values in the experiment tables', () => {
  it('come from the claim that names the same artifact value', () => {
    const effect = table(model, 'mediation-effect');
    const paperColumn = effect.columns.findIndex((c) => c.header === 'paper recovery');
    const claim = input.claims.find((c) => c.id === 'recovery_59')!;
    const [lo, hi] = claim.published as [number, number];
    const format = { kind: 'fixed', digits: 2 } as const;
    expect(effect.rows[0][paperColumn]).toBe(`[${formatNumber(lo, format)}, ${formatNumber(hi, format)}]`);
    // no claim names the MSE recovery: that cell is empty
    const mseRow = effect.rows.find((r) => r[0] === 'MSE')!;
    expect(mseRow[paperColumn]).toBeNull();
  });

  it('drop a paper column that no claim fills', () => {
    const m = buildStudyReport({ ...input, claims: [] });
    expect(table(m, 'mediation-effect').columns.some((c) => c.header.startsWith('paper'))).toBe(false);
    expect(table(model, 'mediation-effect').columns.some((c) => c.header.startsWith('paper'))).toBe(true);
  });
});

describe('the rendered page', () => {
  const files = renderReport(model);

  it('is the same bytes for the same artifacts, built again from scratch', () => {
    const again = renderReport(buildStudyReport(buildStudyInput(OPTIONS, sampleClaims(), PROFILE)));
    expect(Object.keys(again)).toEqual(Object.keys(files));
    for (const name of Object.keys(files)) expect(again[name]).toBe(files[name]);
  });

  it('changes when a published number changes (the determinism check is not vacuous)', () => {
    const claims = sampleClaims().map((c) => (c.id === 'norm_up_ce_59' ? { ...c, published: 3.5 } : c));
    expect(renderReport(buildStudyReport({ ...input, claims }))['index.html']).not.toBe(files['index.html']);
  });

  it('is well-formed XML: the page and every figure', () => {
    expect(wellFormednessProblems(files['index.html'])).toEqual([]);
    const svgs = Object.keys(files).filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBe(model.sections.flatMap((s) => s.figures ?? []).length);
    for (const f of svgs) expect(wellFormednessProblems(files[f])).toEqual([]);
  });

  it('draws the figures the brief asks for', () => {
    const ids = model.sections.flatMap((s) => s.figures ?? []).map((f) => f.id);
    expect(ids).toEqual([
      'dose-response',
      'tau-sweep',
      'mediation-curve-ce',
      'mediation-curve-mse',
      'collapse-grid-59',
      'memorization-split',
      'forks-59',
      'precision-tgrok',
      'precision-collapse',
      'transformer-held-norm',
      'transformer-sweep',
      'layer-allocation',
    ]);
  });
});

describe('claims.yaml', () => {
  it('parses into the claims the builder reads', () => {
    const text = [
      'claims:',
      '  - id: recovery_59',
      '    title: recovery fraction, p = 59',
      '    published: [0.82, 0.85]',
      '    reproduced: { instance: "mediation[loss=ce,p=59]", file: mediation.json, path: recoveryFraction }',
      '    check: { type: in_interval, tolerance: 0.1 }',
      '  - id: audit_115',
      '    published: precision-robust',
      '    reproduced: { instance: audit, file: audit.json, path: cells.0.verdict }',
      '    check: { type: equals }',
      '    profiles: [paper, quick]',
    ].join('\n');
    expect(parseClaims(text)).toEqual([
      {
        id: 'recovery_59',
        title: 'recovery fraction, p = 59',
        published: [0.82, 0.85],
        reproduced: { instance: 'mediation[loss=ce,p=59]', file: 'mediation.json', path: 'recoveryFraction' },
        check: { type: 'in_interval', tolerance: 0.1 },
      },
      { id: 'audit_115', published: 'precision-robust', reproduced: { instance: 'audit', file: 'audit.json', path: 'cells.0.verdict' }, check: { type: 'equals' }, profiles: ['paper', 'quick'] },
    ]);
  });

  it('names the claim that is malformed', () => {
    const bad = 'claims:\n  - id: up\n    published: "3.4x"\n    reproduced: { instance: a, file: b.json }\n    check: { type: within, tolerance: 0.1 }\n';
    expect(() => parseClaims(bad)).toThrow('claims.yaml: claims[0].published: claim `up`: within needs a number: expected a number, found "3.4x"');
    expect(() => parseClaims('claims: 3\n')).toThrow('claims.yaml: claims: wrong type in claims file: expected a list of claims, found the number 3');
    expect(() => parseClaims('3\n')).toThrow('expected a mapping with a `claims:` list at the top');
  });
});
