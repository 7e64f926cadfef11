/**
 * The paper's own tables (SPEC 7.2) beside the reproduced ones, cell by cell: the CE and MSE temperature
 * sweeps, the dose-law fits and the same-state forks. The published numbers come from
 * published-tables.yaml (through the `published` stage); only the moduli this profile ran are shown.
 */
import type { DoseResponseResult } from '../../analysis/dose-response.ts';
import type { FreeControlResult } from '../../analysis/free-control.ts';
import type { SameStateForksResult } from '../../analysis/same-state-forks.ts';
import { FORK_ARMS } from '../../analysis/same-state-forks.ts';
import type { Cell, Section, Table } from '../model.ts';
import { besideTable, type BesideRow } from './beside.ts';
import { byKey, fixed, INTEGER, LOGIT_SCALE, lossLabel, notGrokked, numberCell, R_SQUARED, rhoLabel, tauLabel, times } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { metric, type PublishedTables, publishedRow, rowsAt, sourceOf } from './published-tables.ts';
import type { MediationArm } from './temperature.ts';

const SWEEP_METRICS = [
  { header: 'T_grok', format: INTEGER },
  { header: 'T_mem', format: INTEGER },
  { header: 'L', format: LOGIT_SCALE },
  { header: 'w_c', format: fixed(2) },
];

/**
 * The ratio ours / paper of a clamped CE cell's T_grok that the difference of the two w_c predicts alone:
 * the cell holds rho * w_c, and the dose law ln T = c + alpha * norm (the paper's alpha at this modulus)
 * turns a norm higher by rho * (w_c ours - w_c paper) into T_grok higher by exp(alpha * that). Null when a
 * value is missing, and for MSE cells (the dose law is a cross-entropy law).
 */
function ratioWcPredicts(loss: 'ce' | 'mse', rho: number, wcOurs: number | null, wcPaper: number | null, alpha: number | null): number | null {
  if (loss !== 'ce' || wcOurs === null || wcPaper === null || alpha === null) return null;
  return Math.exp(alpha * rho * (wcOurs - wcPaper));
}

function sweepTable(arm: MediationArm, free: FreeControlResult | null, tables: PublishedTables): Table | null {
  const r = arm.result;
  const name = r.loss === 'ce' ? 'ce_sweep' : 'mse_sweep';
  const published = rowsAt(tables, name, r.p);
  if (published.length === 0) return null;
  const wcPaper = metric(published.find((row) => row.cell === 'free') ?? null, 'wc');
  const alpha = metric(publishedRow(tables, 'dose_fits', { p: r.p }), 'alpha');
  const predicted = (rho: number): Cell[] =>
    r.loss === 'ce' ? [numberCell(ratioWcPredicts(r.loss, rho, free?.wc ?? null, wcPaper, alpha), times(2), 'no w_c or α')] : [];
  const rows: BesideRow[] = published.map((row) => {
    if (row.cell === 'free') {
      const c = free?.cell ?? null;
      return {
        label: 'free control',
        values: [
          { published: metric(row, 'tGrok'), ours: free?.medianTGrok ?? null, oursMissing: free ? notGrokked(free.cell.budget) : 'not run' },
          { published: metric(row, 'tMem'), ours: free?.medianTMem ?? null },
          { published: metric(row, 'L'), ours: c?.logitScaleAtGrok ?? null },
          { published: metric(row, 'wc'), ours: free?.wc ?? null },
        ],
        extra: r.loss === 'ce' ? [null] : [],
      };
    }
    const tau = metric(row, 'tau') ?? 1;
    const isBaseline = row.cell === 'baseline';
    const rho = isBaseline ? 1 : (metric(row, 'rho') ?? 1.15);
    const summary = isBaseline ? r.baseline : (r.sweep.find((s) => Math.abs(s.tau - tau) < 1e-9)?.summary ?? null);
    const missing = summary ? notGrokked(summary.budget) : 'not run';
    return {
      label: isBaseline ? `baseline (${rhoLabel(1)}, ${tauLabel(1)})` : `${rhoLabel(rho)}, ${tauLabel(tau)}`,
      values: [
        { published: metric(row, 'tGrok'), ours: summary?.medianTGrok ?? null, oursMissing: missing },
        { published: metric(row, 'tMem'), ours: summary?.medianTMem ?? null, oursMissing: missing },
        { published: metric(row, 'L'), ours: summary?.logitScaleAtGrok ?? null },
        { published: null, ours: null },
      ],
      extra: predicted(rho),
    };
  });
  const ce = r.loss === 'ce';
  return besideTable({
    id: `paper-${name.replace('_', '-')}-p${r.p}`,
    caption:
      `${lossLabel(r.loss)} temperature sweep, p = ${r.p}: the paper’s medians (${sourceOf(tables, name)}) beside ours (medians over ${r.seeds.length} seeds).` +
      (ce
        ? ' The last column is the T_grok ratio ours / paper that the two w_c alone predict: a clamped cell holds ρ·w_c, and the ' +
          'dose law (the paper’s α at this modulus, per unit of norm) turns the difference of the w_c into exp(α·ρ·Δw_c). A cell ' +
          'whose T_grok ratio is near this one differs from the paper by its calibration, not by its dynamics.'
        : ''),
    metrics: SWEEP_METRICS,
    rows,
    ...(ce ? { extra: ['T_grok ratio the w_c alone predicts'] } : {}),
  });
}

function doseTable(dose: ReadonlyArray<StudyArtifact<DoseResponseResult>>, tables: PublishedTables): Table | null {
  const sorted = byKey(dose, (a) => a.data.p);
  const rows: BesideRow[] = sorted.flatMap(({ data: d }) => {
    const row = publishedRow(tables, 'dose_fits', { p: d.p });
    if (row === null) return [];
    return [
      {
        label: `p = ${d.p}`,
        values: [
          { published: metric(row, 'alpha'), ours: d.fit?.alpha ?? null, oursMissing: 'no fit' },
          { published: metric(row, 'rSquared'), ours: d.fit?.rSquared ?? null, oursMissing: 'no fit' },
        ],
      },
    ];
  });
  if (rows.length === 0) return null;
  return besideTable({
    id: 'paper-dose-fits',
    caption: `The dose law per modulus: the paper’s fits (${sourceOf(tables, 'dose_fits')}) beside ours (α per unit of absolute norm).`,
    metrics: [
      { header: 'α', format: fixed(3) },
      { header: 'R²', format: R_SQUARED },
    ],
    rows,
  });
}

function forksTable(f: SameStateForksResult, tables: PublishedTables): Table | null {
  if (rowsAt(tables, 'forks', f.p).length === 0) return null;
  const rows: BesideRow[] = FORK_ARMS.map((arm) => {
    const a = f.arms[arm];
    return {
      label: `${arm} arm`,
      values: [{ published: metric(publishedRow(tables, 'forks', { p: f.p, arm }), 'delay'), ours: a.medianDelayFromFork, oursMissing: notGrokked(a.summary.budget) }],
    };
  });
  return besideTable({
    id: `paper-forks-p${f.p}`,
    caption: `Same-state forks, p = ${f.p}: median delay from the fork per arm, the paper’s (${sourceOf(tables, 'forks')}) beside ours (fork at t = ${f.tFork}, ${f.seeds.length} seeds).`,
    metrics: [{ header: 'delay from the fork', format: INTEGER }],
    rows,
  });
}

export function paperTablesSection(
  input: {
    arms: readonly MediationArm[];
    free: ReadonlyArray<StudyArtifact<FreeControlResult>>;
    dose: ReadonlyArray<StudyArtifact<DoseResponseResult>>;
    forks: ReadonlyArray<StudyArtifact<SameStateForksResult>>;
  },
  tables: PublishedTables | null,
): Section | null {
  if (tables === null) return null;
  const freeOf = (loss: 'ce' | 'mse', p: number) =>
    input.free.find((f) => f.data.cell.model === 'mlp' && f.data.cell.loss === loss && f.data.cell.p === p)?.data ?? null;
  const out: Array<Table | null> = [
    ...input.arms.map((arm) => sweepTable(arm, freeOf(arm.result.loss, arm.result.p), tables)),
    doseTable(input.dose, tables),
    ...byKey(input.forks, (a) => a.data.p).map((a) => forksTable(a.data, tables)),
  ];
  const shown = out.filter((t): t is Table => t !== null);
  if (shown.length === 0) return null;
  return {
    id: 'paper-tables',
    title: 'The paper’s tables, cell by cell',
    text: [
      'Each of the paper’s per-cell tables beside the reproduced one: the published value, ours, and their ratio, for every ' +
        'cell this profile ran. The claims above judge the headline numbers; these rows show where the agreement holds and ' +
        'where it does not, cell by cell. Our medians are over fewer seeds than the paper’s, so a single cell may stray by ' +
        'seed noise; a pattern across cells (every ratio on one side) is a real difference.',
    ],
    tables: shown,
  };
}
