/** Experiment 2, the dose response: ln T_grok linear in the held norm until the softmax collapses. */
import type { DoseCellStatus, DoseResponseResult } from '../../analysis/dose-response.ts';
import type { Float64AuditResult, PrecisionReading } from '../../analysis/float64-audit.ts';
import { formatNumber, formatShort } from '../format.ts';
import type { Cell, FitLine, LineSeries, Section, Table } from '../model.ts';
import {
  byKey,
  fixed,
  grokCell,
  grokkedNote,
  grokkedOf,
  gridValue,
  INTEGER,
  LOGIT_SCALE,
  logitScaleCell,
  numberCell,
  percent,
  R_SQUARED,
  rhoLabel,
  times,
} from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { ratioCell } from './precision.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

const LOSS = { kind: 'significant', digits: 2 } as const;

/** "T_grok 23 388, L 1 798 and training loss 2.4×10⁻⁷ at grokking", or the same at the last step when it did not grok. */
function readingWords(r: PrecisionReading): string {
  const when = r.medianTGrok === null ? `has not grokked by step ${formatNumber(r.summary.finalStep, INTEGER)}` : `groks at step ${formatNumber(r.medianTGrok, INTEGER)}`;
  const at = r.logitScale.at === 'grok' ? 'there' : `at step ${formatNumber(r.logitScale.step, INTEGER)}`;
  return `${when}, with L ${formatNumber(r.logitScale.value, LOGIT_SCALE)} and training loss ${formatNumber(r.trainLoss.value, LOSS)} ${at}`;
}

/**
 * Dose cells trained again in float64 (floor_audit): a cell the collapse cut leaves out may still be read
 * against the paper's; this says whether its float32 T_grok is the norm's doing or float32's.
 */
function floorParts(floor: ReadonlyArray<StudyArtifact<Float64AuditResult>>): { text: string[]; table: Table | null } {
  const cells = byKey(floor, (a) => a.data.p).flatMap(({ data: a }) => a.cells.map((c) => ({ p: a.p, c })));
  if (cells.length === 0) return { text: [], table: null };
  const text = [
    'Float32 or the norm? ' +
      cells
        .map(({ p, c }) => `At p = ${p}, ${rhoLabel(c.rho)}, float32 ${readingWords(c.f32)}; float64 ${readingWords(c.f64)} (verdict: ${c.verdict}).`)
        .join(' ') +
      ' A training loss near float32’s resolution (about 10⁻⁷ per pair) leaves the correct class a gradient of a few units in ' +
      'the last place, even where no probability rounds to exactly 1 (the collapse fraction): a float32 T_grok there is set by ' +
      'rounding, not by the held norm alone.',
  ];
  const rows: Cell[][] = cells.map(({ p, c }) => [
    { kind: 'number', value: p, format: INTEGER },
    gridValue(c.rho),
    grokCell(c.f32.summary),
    grokCell(c.f64.summary),
    ratioCell(c),
    numberCell(c.f32.logitScale.value, LOGIT_SCALE),
    numberCell(c.f64.logitScale.value, LOGIT_SCALE),
    numberCell(c.f32.trainLoss.value, LOSS),
    numberCell(c.f64.trainLoss.value, LOSS),
    numberCell(c.f32.collapse.value, percent(1)),
    c.verdict,
  ]);
  return {
    text,
    table: {
      id: 'dose-float64',
      caption:
        'Dose cells trained again in float64 and audited as the float64 audit is (floor_audit): median T_grok per precision, ' +
        'their ratio (“≥”: float64 did not grok, its last step over T32), and L, the training loss and the float32 ' +
        'softmax-collapse fraction, each the mean over seeds at the logged step nearest the median T_grok, or at the last step ' +
        'when the cell did not grok.',
      columns: [
        { header: 'p' },
        { header: 'ρ' },
        { header: 'T_grok f32' },
        { header: 'T_grok f64' },
        { header: 'T64/T32' },
        { header: 'L f32' },
        { header: 'L f64' },
        { header: 'train loss f32' },
        { header: 'train loss f64' },
        { header: 'collapse f32' },
        { header: 'verdict' },
      ],
      rows,
    },
  };
}

const STATUS_WORDS: Record<DoseCellStatus, string> = {
  used: 'in the fit',
  'collapse-cut': 'cut: softmax collapse',
  'above-rho-max': 'cut: above the ρ cap',
  'not-grokked': 'not grokked',
};

export function doseResponseSection(
  dose: ReadonlyArray<StudyArtifact<DoseResponseResult>>,
  published: PublishedValues,
  floor: ReadonlyArray<StudyArtifact<Float64AuditResult>> = [],
): Section | null {
  if (dose.length === 0) return null;
  const float64 = floorParts(floor);
  const sorted = byKey(dose, (a) => a.data.p);
  const first = sorted[0].data;
  const fitRows: Cell[][] = sorted.map((artifact) => {
    const d = artifact.data;
    return [
      { kind: 'number', value: d.p, format: INTEGER },
      numberCell(d.wc, fixed(2)),
      `${d.usedCount} of ${d.cells.length}`,
      d.collapseCutRho === null ? 'no jump' : rhoLabel(d.collapseCutRho),
      numberCell(d.fit?.alpha ?? null, fixed(4), 'no fit'),
      numberCell(d.fit?.alphaStandardError ?? null, fixed(4)),
      numberCell(d.alphaPerRho, fixed(2), 'no fit'),
      numberCell(d.fit ? d.fit.factorPerUnit : null, times(3), 'no fit'),
      numberCell(d.fit?.rSquared ?? null, R_SQUARED, 'no fit'),
      published.cell(artifact, R_SQUARED, 'fit.rSquared'),
    ];
  });
  const cellRows: Cell[][] = sorted.flatMap(({ data: d }) =>
    d.cells.map((c): Cell[] => [
      { kind: 'number', value: d.p, format: INTEGER },
      gridValue(c.rho),
      numberCell(c.heldNorm, fixed(2)),
      grokkedOf(c.summary),
      grokCell(c.summary),
      logitScaleCell(c.summary),
      numberCell(c.logitScaleRatioToPrevious, times(2)),
      STATUS_WORDS[c.status],
    ]),
  );
  const series: LineSeries[] = [];
  const fits: FitLine[] = [];
  sorted.forEach(({ data: d }, i) => {
    series.push({
      name: `p = ${d.p}`,
      colour: i,
      noLine: true,
      points: d.cells.map((c) => ({ x: c.heldNorm, y: c.lnTGrok, hollow: c.status !== 'used' })),
    });
    if (d.fit) {
      const xs = d.cells.filter((c) => c.status === 'used').map((c) => c.heldNorm);
      fits.push({ intercept: d.fit.c, slope: d.fit.alpha, from: Math.min(...xs), to: Math.max(...xs), label: '', colour: i });
    }
  });
  const seedCounts = [...new Set(sorted.flatMap((a) => a.data.cells.map((c) => c.summary.seeds)))].sort((a, b) => a - b);
  return {
    id: 'dose-response',
    title: 'Dose response: the delay is exponential in the held norm',
    text: [
      `Cells clamped at ρ·w_c (τ = 1) at ${sorted.length === 1 ? 'one modulus' : `${sorted.length} moduli`}, ` +
        `ρ from ${formatShort(Math.min(...sorted.flatMap((a) => a.data.cells.map((c) => c.rho))))} to ` +
        `${formatShort(Math.max(...sorted.flatMap((a) => a.data.cells.map((c) => c.rho))))}. ` +
        'The fit ln T_grok = c + α‖W‖ is ordinary least squares on the cell medians against the absolute held norm, over the ' +
        `cells before the softmax-collapse cut (the first ρ at which L jumps more than ${formatShort(first.jumpFactor)}× from the ` +
        `previous cell, and every ρ above it) and with ρ ≤ ${formatShort(first.rhoMax)}.`,
      ...float64.text,
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'dose-fits',
        caption:
          'The log-linear fit per modulus. α: slope of ln T_grok per unit of absolute norm, with its OLS standard error; α·w_c: ' +
          'per unit of ρ (comparable across moduli); e^α: the factor by which T_grok grows per unit of norm; R² on the log scale.',
        columns: [
          { header: 'p' },
          { header: 'w_c' },
          { header: 'cells in fit' },
          { header: 'collapse cut at' },
          { header: 'α' },
          { header: 'SE(α)' },
          { header: 'α·w_c' },
          { header: 'e^α' },
          { header: 'R²' },
          { header: 'paper R²' },
        ],
        rows: fitRows,
      }),
      {
        id: 'dose-cells',
        caption:
          `Every dose cell: median T_grok over ${seedCounts.join(' or ')} seeds, L (mean over seeds of the logit scale at the ` +
          'logged step nearest the median T_grok), its ratio to the previous cell with an L, and whether the cell enters the fit.',
        columns: [
          { header: 'p' },
          { header: 'ρ' },
          { header: 'held ‖W‖' },
          { header: 'seeds grokked' },
          { header: 'T_grok' },
          { header: 'L' },
          { header: 'L / L(prev)' },
          { header: 'fit' },
        ],
        rows: cellRows,
      },
      ...(float64.table ? [float64.table] : []),
    ],
    figures: [
      {
        id: 'dose-response',
        caption:
          'ln of the median T_grok against the held weight norm, one colour per modulus; lines: the per-modulus fits over the ' +
          'cells drawn filled; hollow: cells left out of the fit (collapse cut or above the ρ cap). Cells that did not grok have ' +
          'no T_grok and are not drawn.',
        chart: {
          type: 'line',
          title: 'Dose response: ln T_grok vs held norm ‖W‖',
          x: { label: 'held weight norm ‖W‖ = ρ·w_c' },
          y: { label: 'ln T_grok (median over seeds)', format: fixed(1) },
          series,
          fits,
          hollowMeaning: 'left out of the fit',
          fitMeaning: 'fit over the filled cells',
        },
        width: 720,
        height: 420,
      },
    ],
    notes: [grokkedNote(sorted.flatMap(({ data: d }) => d.cells.map((c) => ({ label: `p = ${d.p}, ${rhoLabel(c.rho)}`, summary: c.summary }))))],
  };
}
