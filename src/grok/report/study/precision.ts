/** Experiment 8, the float64 audit: is a slowdown the norm, or float32 softmax collapse? */
import type { AuditCell, Float64AuditResult, PrecisionReading } from '../../analysis/float64-audit.ts';
import { formatNumber, formatShort } from '../format.ts';
import type { BarValue, Cell, Section } from '../model.ts';
import { grokCell, grokkedNote, INTEGER, numberCell, percent, rhoLabel, times } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

const SHARE_OF_PAIRS = percent(1);

/** T64/T32, or a lower bound when float64 did not grok by its last step. */
export function ratioCell(c: AuditCell): Cell {
  if (c.t64OverT32 !== null) return numberCell(c.t64OverT32, times(2));
  if (c.t64OverT32AtLeast !== null) return `≥ ${formatNumber(c.t64OverT32AtLeast, times(2))}`;
  return c.f32.medianTGrok === null ? 'f32 not grokked' : 'not defined';
}

/** The collapse fraction and where it was read: at the median T_grok, or at the last step. */
function collapseCell(r: PrecisionReading): Cell {
  return numberCell(r.collapse.value, SHARE_OF_PAIRS);
}

function tGrokBar(r: PrecisionReading): BarValue {
  return r.medianTGrok === null ? { value: r.summary.finalStep, censored: true } : { value: r.medianTGrok };
}

export function precisionSection(audit: StudyArtifact<Float64AuditResult> | null, published: PublishedValues): Section | null {
  if (audit === null) return null;
  const a = audit.data;
  const rows: Cell[][] = a.cells.map((c, i) => [
    rhoLabel(c.rho),
    grokCell(c.f32.summary),
    grokCell(c.f64.summary),
    ratioCell(c),
    collapseCell(c.f32),
    collapseCell(c.f64),
    numberCell(c.f32.saturation.value, SHARE_OF_PAIRS),
    c.verdict,
    published.cell(audit, INTEGER, `cells.${i}.verdict`),
  ]);
  const readAtEnd = a.cells.flatMap((c) =>
    (['f32', 'f64'] as const)
      .filter((prec) => c[prec].collapse.at === 'end')
      .map((prec) => `${rhoLabel(c.rho)} ${prec === 'f32' ? 'float32' : 'float64'} at step ${formatNumber(c[prec].collapse.step, INTEGER)}`),
  );
  const budgets = [...new Set(a.cells.flatMap((c) => [c.f32.summary.budget, c.f64.summary.budget]))].sort((x, y) => x - y);
  const seeds = [...new Set(a.cells.flatMap((c) => [c.f32.summary.seeds, c.f64.summary.seeds]))].sort((x, y) => x - y);
  const categories = a.cells.map((c) => rhoLabel(c.rho));
  return {
    id: 'precision',
    title: 'Float64 audit: precision-robust or softmax-collapse confounded',
    text: [
      `The ${a.cells.map((c) => rhoLabel(c.rho)).join(' and ')} cells (p = ${a.p}, ${a.loss === 'ce' ? 'cross-entropy' : 'MSE'}, absolute held norm ρ·w_c ` +
        `from the CE free control) trained in float32 and in float64, ${seeds.join(' or ')} seeds, budget ` +
        `${budgets.map((b) => formatNumber(b, INTEGER)).join(' or ')} steps. In float32 a correct-class probability that rounds to ` +
        'exactly 1 zeroes that pair’s gradient: the softmax-collapse fraction counts those training pairs. Verdict: ' +
        `“precision-robust” if the float32 collapse fraction is below ${formatShort(a.collapseThreshold * 100)}% and T64 is within ` +
        `${formatShort(a.timeTolerance)}× of T32, else “float32 softmax-collapse confounded”.`,
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'precision-verdicts',
        caption:
          'Median T_grok per precision, their ratio, the softmax-collapse fraction (share of training pairs whose correct-class ' +
          'probability is exactly 1; mean over seeds at the logged step nearest the median T_grok, or at the last step when the ' +
          'cell did not grok), the float32 share with max probability > 0.999, and the verdict.',
        columns: [
          { header: 'cell' },
          { header: 'T_grok f32' },
          { header: 'T_grok f64' },
          { header: 'T64/T32' },
          { header: 'collapse f32' },
          { header: 'collapse f64' },
          { header: 'max p > 0.999 f32' },
          { header: 'verdict' },
          { header: 'paper verdict' },
        ],
        rows,
        footnote:
          '“≥” in T64/T32: float64 did not grok, so its last trained step over T32 bounds the ratio from below.' +
          (readAtEnd.length > 0 ? ` Collapse read at the last step (the cell did not grok): ${readAtEnd.join('; ')}.` : ''),
      }),
    ],
    figures: [
      {
        id: 'precision-tgrok',
        caption:
          'Median T_grok per precision. An open-topped bar is a lower bound: most seeds had not grokked when the cell stopped at ' +
          'its budget, and the bar stands at the last step trained.',
        chart: {
          type: 'bars',
          title: `T_grok, float32 vs float64 (p = ${a.p})`,
          y: { label: 'T_grok (steps, median over seeds)', include: [0] },
          categories,
          series: [
            { name: 'float32', values: a.cells.map((c) => tGrokBar(c.f32)) },
            { name: 'float64', values: a.cells.map((c) => tGrokBar(c.f64)) },
          ],
          references: budgets.map((b) => ({ axis: 'y' as const, value: b, label: `budget ${formatNumber(b, INTEGER)}` })),
          valueFormat: INTEGER,
        },
        width: 520,
        height: 380,
      },
      {
        id: 'precision-collapse',
        caption: 'Softmax-collapse fraction of the training pairs (mean over seeds) at grokking, or at the last step when the cell did not grok.',
        chart: {
          type: 'bars',
          title: `Softmax-collapse fraction (p = ${a.p})`,
          y: { label: 'share of training pairs', include: [0], format: percent(0) },
          categories,
          series: [
            { name: 'float32', values: a.cells.map((c) => ({ value: c.f32.collapse.value })) },
            { name: 'float64', values: a.cells.map((c) => ({ value: c.f64.collapse.value })) },
          ],
          references: [{ axis: 'y', value: a.collapseThreshold, label: `robust below ${formatShort(a.collapseThreshold * 100)}%` }],
          valueFormat: percent(0),
        },
        width: 520,
        height: 380,
      },
    ],
    notes: [
      grokkedNote(
        a.cells.flatMap((c) => [
          { label: `${rhoLabel(c.rho)} float32`, summary: c.f32.summary },
          { label: `${rhoLabel(c.rho)} float64`, summary: c.f64.summary },
        ]),
      ),
    ],
  };
}
