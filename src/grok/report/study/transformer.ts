/**
 * Experiment 9, the no-LayerNorm transformer: does temperature undo the norm effect with attention too?
 * Beside it, the two cross-checks of SPEC 7.3: the companion paper's released runs at tau 1 (our norm
 * series), and the tau sweep held at the paper's own absolute norm (a published parameter), where the
 * paper's ratio is read again. Every number comes from transformer.json or published-tables.yaml.
 */
import type { NormCell, TransformerControlResult } from '../../analysis/transformer.ts';
import { formatNumber } from '../format.ts';
import type { Cell, Figure, LinePoint, LineSeries, Reference, Section, Table } from '../model.ts';
import { besideTable, type BesideRow } from './beside.ts';
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
  notGrokked,
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
import { metric, type PublishedRow, type PublishedTables, publishedRow, rowsAt, sourceOf } from './published-tables.ts';

const num = (v: number | null, format = fixed(2), missing = 'not defined') => (v === null ? missing : formatNumber(v, format));

export function transformerSection(
  transformer: StudyArtifact<TransformerControlResult> | null,
  published: PublishedValues,
  tables: PublishedTables | null = null,
): Section | null {
  if (transformer === null) return null;
  const t = transformer.data;
  const tablesOut: Table[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  const companion = companionTable(t, tables);
  if (companion) tablesOut.push(companion);
  const paper = paperTable(t, tables);
  if (paper) tablesOut.push(paper);
  const m = t.mediation;
  if (m !== null) tablesOut.push(...ownSweepTables(transformer, published));
  tablesOut.push(cellsTable(t));
  const normFigure = heldNormFigure(t, tables);
  if (normFigure) figures.push(normFigure);
  const sweepFigure = tauFigure(t, tables);
  if (sweepFigure) figures.push(sweepFigure);
  notes.push(
    grokkedNote([
      { label: 'the free control', summary: t.free.cell },
      ...t.normSeries.map((c) => ({ label: `${rhoLabel(c.rho)}, ${tauLabel(1)}`, summary: c.summary })),
      ...(m ? m.sweep.map((s) => ({ label: `${rhoLabel(m.raisedRho ?? 1.15)}, ${tauLabel(s.tau)}`, summary: s.summary })) : []),
      ...(t.held ? t.held.cells.map((c) => ({ label: `held ${formatNumber(t.held!.heldNorm, fixed(2))}, ${tauLabel(c.tau)}`, summary: c.summary })) : []),
    ]),
  );
  if (m) {
    notes.push(
      ...undefinedResampleNotes([
        { label: 'T1/T0', ci: m.bootstrap.normUpRatio },
        { label: 'the recovery fraction', ci: m.bootstrap.recoveryFraction },
      ]),
    );
  }
  return { id: 'transformer', title: 'No-LayerNorm transformer', text: narrative(t, tables, transformer, published), tables: tablesOut, figures, notes };
}

/** What was reproduced, what was not, and why: every number from the artifact or the published tables. */
function narrative(t: TransformerControlResult, tables: PublishedTables | null, artifact: StudyArtifact, published: PublishedValues): string[] {
  const compFree = publishedRow(tables, 'companion_transformer', { p: t.p, cell: 'free' });
  const paperFree = publishedRow(tables, 'transformer', { p: t.p, cell: 'free' });
  const paperRaised = rowsAt(tables, 'transformer', t.p).find((r) => r.cell === undefined && metric(r, 'tau') === 1) ?? null;
  const out = [
    `The same intervention on a one-layer transformer without LayerNorm (p = ${t.p}), with its own free control for w_c. ` +
      `Our free control groks at ${num(t.free.medianTGrok, INTEGER, 'no step (not grokked)')} steps with w_c = ${num(t.wc)}` +
      (compFree ? `; the companion paper’s released runs (same architecture, init, lr, decay and clamp) give ${num(metric(compFree, 'tGrok'), INTEGER)} and ${num(metric(compFree, 'wc'))}` : '') +
      (paperFree ? `; the paper’s unreleased runner gave ${num(metric(paperFree, 'tGrok'), INTEGER)} and ${num(metric(paperFree, 'wc'))}` : '') +
      '.',
  ];
  if (t.normSeries.length > 1) {
    const cells = t.normSeries.map((c) => `${rhoLabel(c.rho)} (‖W‖ = ${num(c.heldNorm)}): ${c.summary.medianTGrok === null ? notGrokked(c.summary.budget) : formatNumber(c.summary.medianTGrok, INTEGER)}`);
    out.push(
      `At τ = 1 our cells held at ρ·w_c give ${cells.join('; ')}; the companion’s table sits beside them below. ` +
        (t.raised && t.raised.groksWithinHorizon === false
          ? `At ${rhoLabel(t.raised.rho)} most seeds do not grok within ${formatNumber(t.horizon, INTEGER)} steps, as in the companion’s runs.`
          : ''),
    );
  }
  if (t.delayLaw) {
    const law = t.delayLaw;
    out.push(
      `The delay is exponential in the held norm: over our τ = 1 cells ln T_grok rises by α = ${formatNumber(law.alpha, fixed(3))} per unit of ‖W‖ ` +
        `(a factor ${formatNumber(law.factorPerUnit, times(2))} per unit, ${law.n} cells). ` +
        (paperFree && paperRaised && t.wc !== null ? wcComparison(t, metric(paperFree, 'wc') as number, metric(paperRaised, 'heldNorm'), metric(paperRaised, 'rho')) : ''),
    );
  }
  if (t.held) {
    const claim = published.claimFor(artifact, 'held.ratioTau1OverTauHi');
    out.push(
      `Held at the paper’s absolute norm ${num(t.held.heldNorm)} (a published parameter, not measured here; ${formatNumber(t.held.rho, fixed(3))} × our w_c), ` +
        `T_grok(τ = 1) / T_grok(τ = ${gridValue(t.tauHi)}) = ${num(t.held.ratioTau1OverTauHi, times(2))}` +
        (claim && typeof claim.published === 'number' ? ` against the paper’s ${formatNumber(claim.published, times(1))}` : '') +
        ` (T_grok ${num(t.held.tGrokTau1, INTEGER, 'not reached')} and ${num(t.held.tGrokTauHi, INTEGER, 'not reached')}).`,
    );
  }
  if (!t.held && !t.mediation) {
    out.push(
      'This profile runs the free control and the τ = 1 cells only: the raised-norm sweeps (at the paper’s absolute norm and at our own ' +
        'ρ = 1.15), and with them the paper’s ratio T_grok(τ = 1) / T_grok(τ = 1.7), need up to tens of thousands of steps per cell and belong to the full and paper profiles.',
    );
  }
  if (t.mediation) {
    out.push(
      `At our own ${rhoLabel(t.mediation.raisedRho ?? 1.15)} the same ratio is ${num(t.ratioTau1OverTauHi, times(2))}` +
        ` (T_grok ${num(t.tGrokTau1, INTEGER, 'not reached')} at τ = 1 and ${num(t.tGrokTauHi, INTEGER, 'not reached')} at τ = ${gridValue(t.tauHi)}).`,
    );
  }
  return out;
}

/** The paper's w_c against ours, what its raised norm amounts to here, and the delay law's factor between them. */
function wcComparison(t: TransformerControlResult, paperWc: number, paperRaisedNorm: number | null, paperRho: number | null): string {
  const wc = t.wc as number;
  const gap = paperWc / wc - 1;
  let text = `The paper’s w_c (${num(paperWc)}) is ${formatNumber(Math.abs(gap), { kind: 'percent', digits: 0 })} ${gap < 0 ? 'below' : 'above'} ours`;
  if (paperRaisedNorm !== null) {
    text += `, so its “${paperRho === null ? 'raised norm' : rhoLabel(paperRho)}” held ${num(paperRaisedNorm)}, ${formatNumber(paperRaisedNorm / wc, fixed(3))} × our w_c`;
    if (t.raised) text += `, while our ${rhoLabel(t.raised.rho)} held ${num(t.raised.heldNorm)}`;
  }
  text += '. ';
  const f = t.raisedOverHeldFactor;
  if (f !== null && t.raised) {
    text +=
      `By the fitted law our ${rhoLabel(t.raised.rho)} cell is ${formatNumber(f >= 1 ? f : 1 / f, times(1))} ${f >= 1 ? 'slower' : 'faster'} than a cell at the paper’s norm, ` +
      'so the paper’s ratio is re-measured at the paper’s absolute norm rather than at the same ρ × our w_c.';
  }
  return text;
}

function grokkedWords(row: PublishedRow | null): Cell {
  const g = metric(row, 'grokked');
  const n = metric(row, 'seeds');
  return g === null || n === null ? null : `${g}/${n}`;
}

/** Our tau 1 cells beside the companion's released runs. */
function companionTable(t: TransformerControlResult, tables: PublishedTables | null): Table | null {
  if (rowsAt(tables, 'companion_transformer', t.p).length === 0) return null;
  const within = (c: NormCell) => `${c.grokkedWithinHorizon}/${c.summary.seeds}`;
  const freeRow = publishedRow(tables, 'companion_transformer', { p: t.p, cell: 'free' });
  const rows: BesideRow[] = [
    {
      label: 'free control',
      values: [
        { published: metric(freeRow, 'wc'), ours: t.wc },
        { published: metric(freeRow, 'tGrok'), ours: t.free.medianTGrok, oursMissing: notGrokked(t.free.cell.budget) },
      ],
      extra: [grokkedWords(freeRow), grokkedOf(t.free.cell)],
    },
    ...t.normSeries.map((c): BesideRow => {
      const row = publishedRow(tables, 'companion_transformer', { p: t.p, rho: c.rho, tau: 1 });
      const budget = metric(row, 'budget');
      return {
        label: `${rhoLabel(c.rho)}, ${tauLabel(1)}`,
        values: [
          { published: metric(row, 'heldNorm'), ours: c.heldNorm },
          {
            published: metric(row, 'tGrok'),
            ours: c.summary.medianTGrok,
            oursMissing: notGrokked(c.summary.budget),
            ...(row && budget !== null ? { publishedMissing: notGrokked(budget) } : {}),
          },
        ],
        extra: [grokkedWords(row), within(c)],
      };
    }),
  ];
  return besideTable({
    id: 'transformer-companion',
    caption:
      `The companion paper’s released runs (${sourceOf(tables, 'companion_transformer')}) beside ours at τ = 1 (${t.baseline.seeds} seeds per cell). ` +
      `Held norms are ρ × each run’s own w_c. Seeds grokked: ours within ${formatNumber(t.horizon, INTEGER)} steps (the companion’s budget).`,
    metrics: [
      { header: 'held ‖W‖', format: fixed(2) },
      { header: 'T_grok', format: INTEGER },
    ],
    extra: ['seeds grokked: companion', 'seeds grokked: ours'],
    rows,
  });
}

/** The paper's Table 8 beside ours: free control, baseline, and the sweep at the paper's absolute norm. */
function paperTable(t: TransformerControlResult, tables: PublishedTables | null): Table | null {
  const published = rowsAt(tables, 'transformer', t.p);
  if (published.length === 0) return null;
  const rows: BesideRow[] = published.map((row) => {
    if (row.cell === 'free') {
      return {
        label: 'free control',
        values: [
          { published: metric(row, 'wc'), ours: t.wc },
          { published: metric(row, 'tGrok'), ours: t.free.medianTGrok, oursMissing: notGrokked(t.free.cell.budget) },
          { published: null, ours: t.free.cell.logitScaleAtGrok },
        ],
      };
    }
    const tau = metric(row, 'tau') ?? 1;
    if (row.cell === 'baseline') {
      const base = t.normSeries.find((c) => Math.abs(c.rho - 1) < 1e-9) ?? null;
      return {
        label: `baseline (${rhoLabel(1)}, ${tauLabel(1)})`,
        values: [
          { published: metric(row, 'heldNorm'), ours: base?.heldNorm ?? null },
          { published: metric(row, 'tGrok'), ours: t.baseline.medianTGrok, oursMissing: notGrokked(t.baseline.budget) },
          { published: metric(row, 'L'), ours: t.baseline.logitScaleAtGrok },
        ],
      };
    }
    const held = t.held?.cells.find((c) => Math.abs(c.tau - tau) < 1e-9) ?? null;
    return {
      label: `paper’s ${rhoLabel(metric(row, 'rho') ?? 1.15)}, ${tauLabel(tau)}`,
      values: [
        { published: metric(row, 'heldNorm'), ours: held ? t.held!.heldNorm : null, oursMissing: 'not run in this profile' },
        { published: metric(row, 'tGrok'), ours: held?.summary.medianTGrok ?? null, oursMissing: held ? notGrokked(held.summary.budget) : 'not run in this profile' },
        { published: metric(row, 'L'), ours: held?.summary.logitScaleAtGrok ?? null },
      ],
    };
  });
  return besideTable({
    id: 'transformer-paper',
    caption:
      `The paper’s Table 8 (${sourceOf(tables, 'transformer')}) beside ours. Our baseline holds ρ = 1 × our own w_c; our “ρ = 1.15” rows hold the paper’s ` +
      'absolute norm (a published parameter), the cells the paper measured.',
    metrics: [
      { header: 'held ‖W‖', format: fixed(2) },
      { header: 'T_grok', format: INTEGER },
      { header: 'L', format: LOGIT_SCALE },
    ],
    rows,
  });
}

/** The sweep at our own rho 1.15 (paper profile): the mediation summary as for the MLP. */
function ownSweepTables(transformer: StudyArtifact<TransformerControlResult>, published: PublishedValues): Table[] {
  const t = transformer.data;
  const m = t.mediation!;
  const raised = m.raisedRho === null ? 'the raised norm' : rhoLabel(m.raisedRho);
  const hot = m.sweep.find((s) => Math.abs(s.tau - t.tauHi) < 1e-9);
  const budget = m.baseline.budget;
  return [
    withoutEmptyPaperColumns({
      id: 'transformer-summary',
      caption:
        `At our own ${raised} (× our w_c), medians over ${describeSeeds(m.seeds)}. T0: baseline; T1: ${raised}, τ = 1; T(τ hot): ${raised}, τ = ${gridValue(t.tauHi)}. ` +
        `Brackets: ${bootstrapWords([m.bootstrap.normUpRatio, m.bootstrap.recoveryFraction])}. The paper’s ratio is checked on the held sweep (above), not here.`,
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
      rows: [
        [
          numberCell(t.wc, fixed(2), 'none (free control did not grok)'),
          grokCell(m.baseline),
          stepsCell(m.t1, budget),
          intervalCell(m.normUpRatio, m.bootstrap.normUpRatio, RATIO),
          hot ? grokCell(hot.summary) : stepsCell(t.tGrokTauHi, budget),
          numberCell(t.ratioTau1OverTauHi, times(1), 'not defined'),
          published.cell(transformer, times(1), 'ratioTau1OverTauHi', 'held.ratioTau1OverTauHi'),
          intervalCell(m.recoveryFraction, m.bootstrap.recoveryFraction, RECOVERY),
          numberCell(m.l0, LOGIT_SCALE, 'no L (not grokked)'),
          numberCell(m.logitScaleSwing?.ratio ?? null, times(2), 'not defined'),
        ],
      ],
    }),
  ];
}

/** Every transformer cell of the profile: seeds grokked, median T_grok and L at that step. */
function cellsTable(t: TransformerControlResult): Table {
  const m = t.mediation;
  const rows: Cell[][] = [
    ['free control (no clamp, τ = 1)', '—', grokkedOf(t.free.cell), grokCell(t.free.cell), numberCell(t.free.cell.logitScaleAtGrok, LOGIT_SCALE, 'no L (not grokked)')],
    ...t.normSeries.map((c): Cell[] => [Math.abs(c.rho - 1) < 1e-9 ? 'baseline (ρ = 1, τ = 1)' : `${rhoLabel(c.rho)}, ${tauLabel(1)}`, numberCell(c.heldNorm, fixed(2)), grokkedOf(c.summary), grokCell(c.summary), logitScaleCell(c.summary)]),
    ...(t.normSeries.length === 0 ? [[`baseline (${rhoLabel(1)}, ${tauLabel(1)})`, '—', grokkedOf(t.baseline), grokCell(t.baseline), logitScaleCell(t.baseline)] as Cell[]] : []),
    ...(m
      ? m.sweep
          .filter((s) => Math.abs(s.tau - 1) > 1e-9 || !t.normSeries.some((c) => Math.abs(c.rho - (m.raisedRho ?? NaN)) < 1e-9))
          .map((s): Cell[] => [`${rhoLabel(m.raisedRho ?? 1.15)}, ${tauLabel(s.tau)}`, '—', grokkedOf(s.summary), grokCell(s.summary), logitScaleCell(s.summary)])
      : []),
    ...(t.held
      ? t.held.cells.map((c): Cell[] => [`held (published norm), ${tauLabel(c.tau)}`, numberCell(t.held!.heldNorm, fixed(2)), grokkedOf(c.summary), grokCell(c.summary), logitScaleCell(c.summary)])
      : []),
  ];
  return {
    id: 'transformer-cells',
    caption: `Every transformer cell of this profile: the norm it held, seeds grokked, median T_grok and L at that step (w_c = ${num(t.wc, fixed(2), 'none')}).`,
    columns: [{ header: 'cell' }, { header: 'held ‖W‖' }, { header: 'seeds grokked' }, { header: 'T_grok' }, { header: 'L' }],
    rows,
  };
}

/** T_grok at tau 1 against the absolute held norm: the paper's cells, the companion's and ours. */
function heldNormFigure(t: TransformerControlResult, tables: PublishedTables | null): Figure | null {
  const point = (norm: number | null, tGrok: number | null, budget: number | null): LinePoint | null => {
    if (norm === null) return null;
    if (tGrok !== null) return { x: norm, y: tGrok };
    return budget === null ? null : { x: norm, y: budget, hollow: true };
  };
  const fromTable = (name: string): LinePoint[] =>
    rowsAt(tables, name, t.p)
      .filter((r) => r.cell !== 'free' && (metric(r, 'tau') ?? 1) === 1)
      .map((r) => point(metric(r, 'heldNorm'), metric(r, 'tGrok'), metric(r, 'budget')))
      .filter((q): q is LinePoint => q !== null)
      .sort((a, b) => (a.x as number) - (b.x as number));
  const ours: LinePoint[] = t.normSeries.map((c) => point(c.heldNorm, c.summary.medianTGrok, c.summary.budget)!);
  const heldTau1 = t.held?.cells.find((c) => Math.abs(c.tau - 1) < 1e-9);
  if (t.held && heldTau1) ours.push(point(t.held.heldNorm, heldTau1.summary.medianTGrok, heldTau1.summary.budget)!);
  ours.sort((a, b) => (a.x as number) - (b.x as number));
  if (ours.length < 2) return null; // one cell (the baseline alone) shows no law
  const series: LineSeries[] = [
    { name: 'ours', colour: 0, marker: 'circle', points: ours },
    { name: 'companion (released runs)', colour: 1, marker: 'square', dash: true, points: fromTable('companion_transformer') },
    { name: 'paper (Table 8)', colour: 2, marker: 'diamond', dash: true, points: fromTable('transformer') },
  ].filter((s) => s.points.length > 0) as LineSeries[];
  const references: Reference[] = [];
  if (t.wc !== null) references.push({ axis: 'x', value: t.wc, label: `our w_c ${formatNumber(t.wc, fixed(2))}` });
  if (t.held) references.push({ axis: 'x', value: t.held.heldNorm, label: `paper’s ρ 1.15: ${formatNumber(t.held.heldNorm, fixed(2))}`, labelAt: 'end' });
  return {
    id: 'transformer-held-norm',
    caption:
      'Median T_grok at τ = 1 against the absolute norm the cell held, for our cells, the companion paper’s released runs and the paper’s Table 8 (log scale). ' +
      'Hollow markers: not grokked by the budget, drawn at the budget (a lower bound). The delay is exponential in the held norm, so the ' +
      'paper’s lower w_c puts its “ρ = 1.15” cell where ours and the companion’s baseline sit.',
    chart: {
      type: 'line',
      title: `Transformer, p = ${t.p}: T_grok vs held norm (τ = 1)`,
      x: { label: 'held weight norm ‖W‖' },
      y: { label: 'T_grok (steps, median over seeds)', scale: 'log' },
      series,
      references,
      hollowMeaning: 'not grokked by the budget (lower bound)',
    },
    width: 680,
    height: 420,
  };
}

/** T_grok across tau: ours at the paper's absolute norm, the paper's Table 8, and ours at our own rho 1.15. */
function tauFigure(t: TransformerControlResult, tables: PublishedTables | null): Figure | null {
  const series: LineSeries[] = [];
  if (t.held) series.push({ name: `ours, held at ${formatNumber(t.held.heldNorm, fixed(2))}`, colour: 0, marker: 'circle', points: t.held.cells.map((c) => ({ x: c.tau, y: c.summary.medianTGrok })) });
  const paper = rowsAt(tables, 'transformer', t.p).filter((r) => r.cell !== 'free' && r.cell !== 'baseline');
  if (paper.length > 0) series.push({ name: 'paper (Table 8)', colour: 2, marker: 'diamond', dash: true, points: paper.map((r) => ({ x: metric(r, 'tau'), y: metric(r, 'tGrok') })) });
  if (t.mediation) {
    const m = t.mediation;
    series.push({ name: `ours, ${rhoLabel(m.raisedRho ?? 1.15)} × our w_c`, colour: 1, marker: 'square', points: m.sweep.map((s) => ({ x: s.tau, y: s.summary.medianTGrok })) });
  }
  if (!t.held && !t.mediation) return null;
  const references: Reference[] = t.baseline.medianTGrok === null ? [] : [{ axis: 'y', value: t.baseline.medianTGrok, label: `our baseline T0 = ${formatNumber(t.baseline.medianTGrok, INTEGER)}` }];
  return {
    id: 'transformer-sweep',
    caption: `Transformer, p = ${t.p}: median T_grok across τ at the raised norm (log scale); a gap: the cell did not grok by its budget. The horizontal line is our baseline (ρ = 1, τ = 1).`,
    chart: {
      type: 'line',
      title: `Transformer, p = ${t.p}: T_grok vs τ at the raised norm`,
      x: { label: 'temperature τ' },
      y: { label: 'T_grok (steps, median over seeds)', scale: 'log' },
      series,
      references,
    },
    width: 620,
    height: 380,
  };
}
