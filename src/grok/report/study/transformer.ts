/** Experiment 9, the no-LayerNorm transformer: does temperature undo the norm effect with attention too? */
import type { TransformerControlResult } from '../../analysis/transformer.ts';
import { formatNumber } from '../format.ts';
import type { Cell, Reference, Section } from '../model.ts';
import {
  bootstrapWords,
  describeSeeds,
  fixed,
  gridValue,
  grokCell,
  grokkedNote,
  grokkedOf,
  INTEGER,
  intervalCell,
  LOGIT_SCALE,
  logitScaleCell,
  numberCell,
  RATIO,
  RECOVERY,
  rhoLabel,
  stepsCell,
  tauLabel,
  times,
  undefinedResampleNotes,
} from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

export function transformerSection(transformer: StudyArtifact<TransformerControlResult> | null, published: PublishedValues): Section | null {
  if (transformer === null) return null;
  const t = transformer.data;
  const m = t.mediation;
  if (m === null) return baselineOnlySection(t);
  const raised = m.raisedRho === null ? 'the raised norm' : rhoLabel(m.raisedRho);
  const hot = m.sweep.find((s) => Math.abs(s.tau - t.tauHi) < 1e-9);
  const budget = m.baseline.budget;
  const summaryRow: Cell[] = [
    numberCell(t.wc, fixed(2), 'none (free control did not grok)'),
    grokCell(m.baseline),
    stepsCell(m.t1, budget),
    intervalCell(m.normUpRatio, m.bootstrap.normUpRatio, RATIO),
    hot ? grokCell(hot.summary) : stepsCell(t.tGrokTauHi, budget),
    numberCell(t.ratioTau1OverTauHi, times(1), 'not defined'),
    published.cell(transformer, times(1), 'ratioTau1OverTauHi'),
    intervalCell(m.recoveryFraction, m.bootstrap.recoveryFraction, RECOVERY),
    numberCell(m.l0, LOGIT_SCALE, 'no L (not grokked)'),
    numberCell(m.logitScaleSwing?.ratio ?? null, times(2), 'not defined'),
  ];
  const cellRows: Cell[][] = [
    ['free control (no clamp, τ = 1)', grokkedOf(t.free.cell), grokCell(t.free.cell), numberCell(t.free.cell.logitScaleAtGrok, LOGIT_SCALE, 'no L (not grokked)')],
    ['baseline (ρ = 1, τ = 1)', grokkedOf(m.baseline), grokCell(m.baseline), logitScaleCell(m.baseline)],
    ...m.sweep.map((s): Cell[] => [`${raised}, ${tauLabel(s.tau)}`, grokkedOf(s.summary), grokCell(s.summary), logitScaleCell(s.summary)]),
  ];
  const references: Reference[] = m.t0 === null ? [] : [{ axis: 'y', value: m.t0, label: `baseline T0 = ${formatNumber(m.t0, INTEGER)}` }];
  return {
    id: 'transformer',
    title: 'No-LayerNorm transformer',
    text: [
      `The same intervention on a one-layer transformer without LayerNorm (p = ${t.p}), ` +
        `with its own free control for w_c: the baseline (ρ = 1, τ = 1), then ${raised} across τ. The paper’s figure is ` +
        `T_grok(${raised}, τ = 1) / T_grok(${raised}, τ = ${gridValue(t.tauHi)}); the full mediation analysis is computed as for the MLP.`,
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'transformer-summary',
        caption:
          `Medians over ${describeSeeds(m.seeds)}. T0: baseline; T1: ${raised}, τ = 1; T(τ hot): ${raised}, τ = ${gridValue(t.tauHi)}. ` +
          `Brackets: ${bootstrapWords([m.bootstrap.normUpRatio, m.bootstrap.recoveryFraction])}.`,
        columns: [
          { header: 'w_c' },
          { header: 'T0' },
          { header: 'T1' },
          { header: 'T1/T0 (95% CI)' },
          { header: `T(τ = ${gridValue(t.tauHi)})` },
          { header: `T1 / T(τ = ${gridValue(t.tauHi)})` },
          { header: 'paper' },
          { header: 'recovery (95% CI)' },
          { header: 'L0' },
          { header: 'L swing' },
        ],
        rows: [summaryRow],
      }),
      {
        id: 'transformer-cells',
        caption: 'Every transformer cell: seeds grokked, median T_grok and L at that step.',
        columns: [{ header: 'cell' }, { header: 'seeds grokked' }, { header: 'T_grok' }, { header: 'L' }],
        rows: cellRows,
      },
    ],
    figures: [
      {
        id: 'transformer-sweep',
        caption: `Transformer, p = ${t.p}: median T_grok over seeds across τ at ${raised} (log scale); the horizontal line is the baseline T0 (ρ = 1, τ = 1).`,
        chart: {
          type: 'line',
          title: `Transformer, p = ${t.p}: T_grok vs τ at ${raised}`,
          x: { label: 'temperature τ' },
          y: { label: 'T_grok (steps, median over seeds)', scale: 'log' },
          series: [{ name: raised, points: m.sweep.map((s) => ({ x: s.tau, y: s.summary.medianTGrok })) }],
          references,
        },
        width: 600,
        height: 380,
      },
    ],
    notes: [
      grokkedNote([
        { label: 'the free control', summary: t.free.cell },
        { label: 'baseline', summary: m.baseline },
        ...m.sweep.map((s) => ({ label: `${raised}, ${tauLabel(s.tau)}`, summary: s.summary })),
      ]),
      ...undefinedResampleNotes([
        { label: 'T1/T0', ci: m.bootstrap.normUpRatio },
        { label: 'the recovery fraction', ci: m.bootstrap.recoveryFraction },
      ]),
    ],
  };
}

/** A profile without the raised-norm cells: w_c and the baseline, and a sentence saying what is missing. */
function baselineOnlySection(t: TransformerControlResult): Section {
  return {
    id: 'transformer',
    title: 'No-LayerNorm transformer',
    text: [
      `The same intervention on a one-layer transformer without LayerNorm (p = ${t.p}), with its own free control for w_c. ` +
        'This profile runs the free control and the baseline (ρ = 1, τ = 1) only: the raised-norm cells, and with them the ' +
        'paper’s ratio T_grok(ρ = 1.15, τ = 1) / T_grok(ρ = 1.15, τ = 1.7), need up to 60k steps each and belong to the paper profile.',
    ],
    tables: [
      {
        id: 'transformer-cells',
        caption:
          `Every transformer cell of this profile: seeds grokked, median T_grok and L at that step. ` +
          (t.wc === null ? 'The free control did not grok, so there is no w_c.' : `w_c = ${formatNumber(t.wc, fixed(2))}.`),
        columns: [{ header: 'cell' }, { header: 'seeds grokked' }, { header: 'T_grok' }, { header: 'L' }],
        rows: [
          ['free control (no clamp, τ = 1)', grokkedOf(t.free.cell), grokCell(t.free.cell), numberCell(t.free.cell.logitScaleAtGrok, LOGIT_SCALE, 'no L (not grokked)')],
          ['baseline (ρ = 1, τ = 1)', grokkedOf(t.baseline), grokCell(t.baseline), logitScaleCell(t.baseline)],
        ],
      },
    ],
    figures: [],
    notes: [
      grokkedNote([
        { label: 'the free control', summary: t.free.cell },
        { label: 'baseline', summary: t.baseline },
      ]),
    ],
  };
}
