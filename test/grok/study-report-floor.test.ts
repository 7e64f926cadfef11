/**
 * The dose section's float64 re-runs (pipeline.yaml: floor_cell, floor_audit): a dose cell trained again in
 * float64 and audited as experiment 8 is, printed beside its float32 run with L and the training loss, every
 * number read from the audit artifact.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFloat64Audit } from '../../src/grok/analysis/float64-audit.ts';
import { formatNumber } from '../../src/grok/report/format.ts';
import type { Cell, Table } from '../../src/grok/report/model.ts';
import { buildStudyReport } from '../../src/grok/report/study/index.ts';
import { makeCell } from './analysis-fixtures.ts';
import { buildStudyInput, PAPER_OPTIONS } from './study-report-fixture.ts';

const OPTIONS = { ...PAPER_OPTIONS, seeds: 2, doseSeeds: 2, auditSeeds: 1, resamples: 100 };

// float32 groks once L has run away and the training loss sits at float32's resolution; float64 does not
// grok within its budget and keeps a moderate L
const f32 = makeCell({
  p: 43,
  rho: 1.15,
  budget: 30000,
  seeds: [{ tGrok: 23100 }, { tGrok: 23675 }],
  L: (step) => (step < 16000 ? 28 : 28 + (step - 16000) * 0.2),
  trainLoss: (step) => Math.max(2.4e-7, 1e-3 * Math.exp(-step / 1500)),
});
const f64 = makeCell({
  p: 43,
  rho: 1.15,
  precision: 'f64',
  budget: 40000,
  seeds: [{ tGrok: null }, { tGrok: null }],
  L: (step, i) => 30 + step / 4000 + i,
  trainLoss: (step) => 1e-3 * Math.exp(-step / 3000),
});
const audit = analyzeFloat64Audit([{ f32, f64 }]);

function build(withFloor: boolean) {
  const input = buildStudyInput(OPTIONS, [], 'paper');
  return buildStudyReport({ ...input, floor: withFloor ? [{ instance: 'floor_audit[p=43]', file: 'audit.json', data: audit }] : [] });
}

const numberIn = (c: Cell): number | null => (c !== null && typeof c === 'object' && c.kind === 'number' ? c.value : null);

describe('the dose section with a float64 re-run', () => {
  const section = build(true).sections.find((s) => s.id === 'dose-response')!;
  const table = (section.tables ?? []).find((t: Table) => t.id === 'dose-float64')!;

  it('prints the pair from the audit artifact: T_grok, the lower bound of T64/T32, L and the training loss per precision', () => {
    const cell = audit.cells[0];
    expect(table.rows).toHaveLength(1);
    const [p, rho, , , ratio, l32, l64, loss32, loss64, collapse, verdict] = table.rows[0];
    expect(numberIn(p)).toBe(43);
    expect(rho).toBe('1.15');
    expect(ratio).toBe(`≥ ${formatNumber(cell.t64OverT32AtLeast!, { kind: 'times', digits: 2 })}`);
    expect(cell.t64OverT32AtLeast).toBeCloseTo(40000 / cell.f32.medianTGrok!, 12);
    expect(numberIn(l32)).toBe(cell.f32.logitScale.value);
    expect(numberIn(l64)).toBe(cell.f64.logitScale.value);
    expect(numberIn(loss32)).toBe(cell.f32.trainLoss.value);
    expect(numberIn(loss64)).toBe(cell.f64.trainLoss.value);
    expect(numberIn(collapse)).toBe(cell.f32.collapse.value);
    expect(verdict).toBe(cell.verdict);
    // L is read where each precision's reading stands: float32 at grokking, float64 at its last step
    expect(cell.f32.logitScale.at).toBe('grok');
    expect(cell.f64.logitScale.at).toBe('end');
    expect(cell.f32.logitScale.value).toBeGreaterThan(cell.f64.logitScale.value);
  });

  it('says in words where float32 grokked and that float64 had not by its last step', () => {
    const text = section.text.join(' ');
    expect(text).toContain(`float32 groks at step ${formatNumber(audit.cells[0].f32.medianTGrok!, { kind: 'integer' })}`);
    expect(text).toContain(`float64 has not grokked by step ${formatNumber(40000, { kind: 'integer' })}`);
    expect(text).toContain(`verdict: ${audit.cells[0].verdict}`);
  });

  it('has no such table or text without a re-run', () => {
    const plain = build(false).sections.find((s) => s.id === 'dose-response')!;
    expect((plain.tables ?? []).map((t) => t.id)).not.toContain('dose-float64');
    expect(plain.text.join(' ')).not.toContain('Float32 or the norm?');
  });
});
