/**
 * Experiment 3 (and its MSE twin, experiment 5): temperature mediation. T0 at the baseline, T1 with the
 * norm raised, the tau sweep at the raised norm read at the baseline logit scale (T2), the recovery
 * fraction with its paired-bootstrap interval, and the logit scale across the sweep.
 */
import type { MseDissociationResult } from '../../analysis/mse-dissociation.ts';
import type { TemperatureMediationResult } from '../../analysis/temperature-mediation.ts';
import type { Cell, LineChart, LineSeries, NumberFormat, Section, Table } from '../model.ts';
import { formatNumber } from '../format.ts';
import {
  bootstrapWords,
  byKey,
  describeSeeds,
  grokCell,
  grokkedNote,
  intervalCell,
  LOGIT_SCALE,
  logitScaleCell,
  lossLabel,
  numberCell,
  RATIO,
  RECOVERY,
  rhoLabel,
  tauLabel,
  times,
  undefinedResampleNotes,
} from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

/** One (loss, modulus) arm with the artifacts whose claims may publish its numbers (path prefix each). */
export interface MediationArm {
  result: TemperatureMediationResult;
  sources: Array<{ artifact: StudyArtifact; prefix: string }>;
}

/**
 * The arms of the section: every mediation artifact, and the MSE mediation inside a dissociation artifact
 * for a modulus whose mediation[loss=mse] is not among the inputs. Sorted CE before MSE, then by p.
 */
export function mediationArms(
  mediation: ReadonlyArray<StudyArtifact<TemperatureMediationResult>>,
  dissociation: ReadonlyArray<StudyArtifact<MseDissociationResult>>,
): MediationArm[] {
  const arms = new Map<string, MediationArm>();
  const key = (r: TemperatureMediationResult) => `${r.model}/${r.loss}/${r.p}`;
  for (const m of mediation) {
    if (!arms.has(key(m.data))) arms.set(key(m.data), { result: m.data, sources: [{ artifact: m, prefix: '' }] });
  }
  for (const d of dissociation) {
    const k = key(d.data.mse);
    const arm = arms.get(k);
    if (arm) arm.sources.push({ artifact: d, prefix: 'mse.' });
    else arms.set(k, { result: d.data.mse, sources: [{ artifact: d, prefix: 'mse.' }] });
  }
  return byKey([...arms.values()], (a) => (a.result.loss === 'ce' ? 0 : 1), (a) => a.result.p);
}

function paperCell(arm: MediationArm, published: PublishedValues, format: NumberFormat, path: string): Cell {
  for (const s of arm.sources) {
    const cell = published.cell(s.artifact, format, s.prefix + path);
    if (cell !== null) return cell;
  }
  return null;
}

const T2_MISSING: Record<TemperatureMediationResult['t2Status'], string> = {
  interpolated: 'not defined',
  'below-range': 'L0 below the sweep’s L range',
  'above-range': 'L0 above the sweep’s L range',
  'undefined-neighbour': 'a bracketing cell did not grok',
  'no-baseline-scale': 'baseline did not grok (no L0)',
  'empty-curve': 'no sweep cell grokked',
};

const armLabel = (r: TemperatureMediationResult) => `${lossLabel(r.loss)}, p = ${r.p}`;

export function temperatureSection(arms: readonly MediationArm[], published: PublishedValues): Section | null {
  if (arms.length === 0) return null;
  const results = arms.map((a) => a.result);
  const raised = results.find((r) => r.raisedRho !== null)?.raisedRho ?? null;
  const effectRows: Cell[][] = arms.map((arm) => {
    const r = arm.result;
    return [
      lossLabel(r.loss),
      { kind: 'number', value: r.p, format: { kind: 'integer' } },
      grokCell(r.baseline),
      tauOneCell(r),
      intervalCell(r.normUpRatio, r.bootstrap.normUpRatio, RATIO),
      paperCell(arm, published, RATIO, 'normUpRatio'),
      numberCell(r.t2, { kind: 'integer' }, T2_MISSING[r.t2Status]),
      intervalCell(r.recoveryFraction, r.bootstrap.recoveryFraction, RECOVERY),
      paperCell(arm, published, RECOVERY, 'recoveryFraction'),
    ];
  });
  const scaleRows: Cell[][] = arms.map((arm) => {
    const r = arm.result;
    return [
      lossLabel(r.loss),
      { kind: 'number', value: r.p, format: { kind: 'integer' } },
      numberCell(r.l0, LOGIT_SCALE, 'not grokked'),
      numberCell(r.l1, LOGIT_SCALE, 'not grokked'),
      r.logitScaleSwing ? `${formatNumber(r.logitScaleSwing.min, LOGIT_SCALE)} – ${formatNumber(r.logitScaleSwing.max, LOGIT_SCALE)}` : '—',
      numberCell(r.logitScaleSwing?.ratio ?? null, times(2), 'no sweep cell grokked'),
      paperCell(arm, published, times(2), 'logitScaleSwing.ratio'),
      `${r.curve.length} of ${r.sweep.length}`,
    ];
  });
  const taus = [...new Set(results.flatMap((r) => r.sweep.map((s) => s.tau)))].sort((a, b) => a - b);
  const sweepRows: Cell[][] = [
    [
      'baseline',
      ...arms.flatMap((a): Cell[] => [grokCell(a.result.baseline), logitScaleCell(a.result.baseline)]),
    ],
    ...taus.map((tau): Cell[] => [
      tauLabel(tau),
      ...arms.flatMap((a): Cell[] => {
        const cell = a.result.sweep.find((s) => s.tau === tau);
        return cell ? [grokCell(cell.summary), logitScaleCell(cell.summary)] : [null, null];
      }),
    ]),
  ];
  const seeds = [...new Set(results.map((r) => describeSeeds(r.seeds)))].join('; ');
  const tables: Table[] = [
    withoutEmptyPaperColumns({
      id: 'mediation-effect',
      caption:
        `The norm effect and its recovery by temperature. T0: median T_grok at the baseline (ρ = 1, τ = 1); T1: at ` +
        `${raised === null ? 'the raised norm' : rhoLabel(raised)}, τ = 1; T2: T_grok interpolated linearly along the τ sweep, ` +
        'sorted by L, at the baseline logit scale L0 (never extrapolated); recovery = (T1 − T2)/(T1 − T0). Brackets: ' +
        `${bootstrapWords(results.flatMap((r) => [r.bootstrap.normUpRatio, r.bootstrap.recoveryFraction]))}, recomputing every ` +
        'cell’s median T_grok and T2 with L held at its full-sample values.',
      columns: [
        { header: 'loss' },
        { header: 'p' },
        { header: 'T0' },
        { header: 'T1' },
        { header: 'T1/T0 (95% CI)' },
        { header: 'paper T1/T0' },
        { header: 'T2' },
        { header: 'recovery (95% CI)' },
        { header: 'paper recovery' },
      ],
      rows: effectRows,
    }),
    withoutEmptyPaperColumns({
      id: 'mediation-logit-scale',
      caption:
        'The effective logit scale L (mean over seeds and all p² pairs of ‖z/τ‖, read at the logged step nearest the cell’s ' +
        'median T_grok): L0 at the baseline, L1 at the raised norm with τ = 1, and its range and swing (max/min) over the sweep ' +
        'cells that grokked.',
      columns: [
        { header: 'loss' },
        { header: 'p' },
        { header: 'L0' },
        { header: 'L1' },
        { header: 'L over the sweep' },
        { header: 'swing' },
        { header: 'paper swing' },
        { header: 'sweep cells with an L' },
      ],
      rows: scaleRows,
    }),
    {
      id: 'mediation-cells',
      caption:
        `Every cell of the experiment: median T_grok over ${seeds} and L at that step. Baseline: ρ = 1, τ = 1; the other ` +
        `rows: ${raised === null ? 'the raised norm' : rhoLabel(raised)} at each τ. A cell that did not grok has no L (—).`,
      columns: [{ header: 'cell' }, ...arms.flatMap((a) => [{ header: `${armLabel(a.result)}: T_grok` }, { header: 'L' }])],
      rows: sweepRows,
    },
  ];
  const sweepSeries: LineSeries[] = arms.map((a) => ({
    name: armLabel(a.result),
    points: a.result.sweep.map((s) => ({ x: s.tau, y: s.summary.medianTGrok })),
    colour: a.result.loss === 'ce' ? 0 : 1,
    dash: a.result.loss === 'mse',
    marker: (['circle', 'square', 'triangle', 'diamond', 'triangle-down'] as const)[byModulusIndex(results, a.result.p) % 5],
  }));
  const figures = [
    {
      id: 'tau-sweep',
      caption:
        `Median T_grok over seeds across the τ sweep at ${raised === null ? 'the raised norm' : rhoLabel(raised)}, under CE (solid) ` +
        'and MSE (dashed); log scale. A gap: the cell did not grok (most seeds reached the budget).',
      chart: {
        type: 'line',
        title: `T_grok across the τ sweep at ${raised === null ? 'the raised norm' : rhoLabel(raised)}`,
        x: { label: 'temperature τ' },
        y: { label: 'T_grok (steps, median over seeds)', scale: 'log' },
        series: sweepSeries,
      } satisfies LineChart,
      width: 680,
      height: 420,
    },
    ...(['ce', 'mse'] as const).flatMap((loss) => {
      const ofLoss = arms.filter((a) => a.result.loss === loss).map((a) => a.result);
      if (ofLoss.length === 0) return [];
      return [
        {
          id: `mediation-curve-${loss}`,
          caption:
            `${lossLabel(loss)}: median T_grok against L. Lines: the τ sweep at the raised norm (the curve T2 is read from); ` +
            'diamonds: the baseline (L0, T0); crosses: T2 read off the curve at L0. Log scale in T_grok.',
          chart: mediationCurve(ofLoss, `${lossLabel(loss)}: T_grok against the logit scale L`),
          width: 620,
          height: 400,
        },
      ];
    }),
  ];
  return {
    id: 'temperature',
    title: 'Temperature mediation under CE and MSE',
    text: [
      `With the norm held at ρ·w_c${raised === null ? ' above the baseline' : `, ${rhoLabel(raised)},`} the logits are divided by a fixed ` +
        'temperature τ. If the norm delays grokking only through the logit scale, bringing L back to its baseline value L0 ' +
        'brings T_grok back to T0: the recovery fraction is the share of the slowdown T1 − T0 undone at L = L0. Under MSE the ' +
        'same intervention is the control: L stays near one and barely moves with τ.',
    ],
    tables,
    figures,
    notes: [
      grokkedNote(
        arms.flatMap((a) => [
          { label: `${armLabel(a.result)} baseline`, summary: a.result.baseline },
          ...a.result.sweep.map((s) => ({ label: `${armLabel(a.result)}, ${tauLabel(s.tau)}`, summary: s.summary })),
        ]),
      ),
      ...undefinedResampleNotes(
        arms.flatMap((a) => [
          { label: `T1/T0 at ${armLabel(a.result)}`, ci: a.result.bootstrap.normUpRatio },
          { label: `the recovery fraction at ${armLabel(a.result)}`, ci: a.result.bootstrap.recoveryFraction },
        ]),
      ),
    ],
  };
}

/** T1: the median T_grok of the raised cell at tau 1 (the analysis requires that cell). */
function tauOneCell(r: TemperatureMediationResult): Cell {
  const cell = r.sweep.find((s) => Math.abs(s.tau - 1) < 1e-9);
  return cell ? grokCell(cell.summary) : numberCell(r.t1, { kind: 'integer' });
}

function byModulusIndex(results: readonly TemperatureMediationResult[], p: number): number {
  return [...new Set(results.map((r) => r.p))].sort((a, b) => a - b).indexOf(p);
}

function mediationCurve(results: readonly TemperatureMediationResult[], title: string): LineChart {
  const series: LineSeries[] = [];
  results.forEach((r, i) => {
    series.push({ name: `p = ${r.p}: τ sweep`, colour: i, marker: 'circle', points: r.curve.map((q) => ({ x: q.L, y: q.tGrok })) });
    series.push({ name: `p = ${r.p}: baseline`, colour: i, marker: 'diamond', noLine: true, points: [{ x: r.l0, y: r.t0 }] });
    if (r.t2 !== null) series.push({ name: `p = ${r.p}: T2 at L0`, colour: i, marker: 'cross', noLine: true, points: [{ x: r.l0, y: r.t2 }] });
  });
  return {
    type: 'line',
    title,
    x: { label: 'effective logit scale L at grokking' },
    y: { label: 'T_grok (steps, median over seeds)', scale: 'log' },
    series,
  };
}
