/**
 * Experiment 11, layer allocation (SPEC 7.1, the paper's Table 9): the total norm held at w_c, moved
 * between the embedding E and the readout W2. Ours beside the paper's, per allocation gamma.
 */
import type { LayerAllocationResult } from '../../analysis/layer-allocation.ts';
import { formatNumber } from '../format.ts';
import type { LineSeries, Section, Table } from '../model.ts';
import { besideTable } from './beside.ts';
import { byKey, fixed, gridValue, grokkedNote, INTEGER, LOGIT_SCALE, notGrokked, times } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues } from './published.ts';
import { metric, type PublishedTables, publishedRow, sourceOf } from './published-tables.ts';

function allocationTable(artifact: StudyArtifact<LayerAllocationResult>, tables: PublishedTables | null, published: PublishedValues): Table {
  const a = artifact.data;
  const row = (gamma: number) => publishedRow(tables, 'layer_allocation', { p: a.p, gamma });
  const swing = (path: string) => published.claimFor(artifact, path)?.published;
  return besideTable({
    id: `layer-allocation-p${a.p}`,
    caption:
      `Layer allocation, p = ${a.p}: ‖W‖ held at w_c = ${formatNumber(a.wc, fixed(2))} from step 500, split per layer; W1 keeps its share ` +
      `(${formatNumber(a.shares.W1, fixed(3))} of ‖W‖ at grokking in our free control), W2 takes θ of the power E and W2 share ` +
      `(θ0 = ${formatNumber(a.theta0, fixed(3))}). Paper: ${sourceOf(tables, 'layer_allocation') ?? 'not given'}. ` +
      `Swing of T_grok (max/min over γ): ours ${a.tGrokSwing === null ? 'not defined' : formatNumber(a.tGrokSwing, times(2))}, paper ` +
      `${typeof swing('tGrokSwing') === 'number' ? formatNumber(swing('tGrokSwing') as number, times(2)) : '—'}; of L: ours ` +
      `${a.logitScaleSwing === null ? 'not defined' : formatNumber(a.logitScaleSwing, times(2))}, paper ` +
      `${typeof swing('logitScaleSwing') === 'number' ? formatNumber(swing('logitScaleSwing') as number, times(2)) : '—'}.`,
    metrics: [
      { header: 'T_grok', format: INTEGER },
      { header: '‖E‖', format: fixed(1) },
      { header: '‖W2‖', format: fixed(1) },
      { header: 'L', format: LOGIT_SCALE },
    ],
    extra: ['seeds grokked: ours'],
    rows: a.cells.map((c) => ({
      label: `γ = ${gridValue(c.gamma)} (θ = ${formatNumber(c.theta, fixed(3))})`,
      values: [
        { published: metric(row(c.gamma), 'tGrok'), ours: c.summary.medianTGrok, oursMissing: notGrokked(c.summary.budget) },
        { published: metric(row(c.gamma), 'normE'), ours: c.norms.E },
        { published: metric(row(c.gamma), 'normW2'), ours: c.norms.W2 },
        { published: metric(row(c.gamma), 'L'), ours: c.summary.logitScaleAtGrok },
      ],
      extra: [`${c.summary.grokkedCount}/${c.summary.seeds}`],
    })),
  });
}

export function layerAllocationSection(
  layers: ReadonlyArray<StudyArtifact<LayerAllocationResult>>,
  tables: PublishedTables | null,
  published: PublishedValues,
): Section | null {
  if (layers.length === 0) return null;
  const sorted = byKey(layers, (a) => a.data.p);
  const series: LineSeries[] = sorted.flatMap((artifact, i) => {
    const a = artifact.data;
    const paper = a.cells.map((c) => ({ x: c.gamma, y: metric(publishedRow(tables, 'layer_allocation', { p: a.p, gamma: c.gamma }), 'tGrok') }));
    return [
      { name: `p = ${a.p}: ours`, colour: i, marker: 'circle' as const, points: a.cells.map((c) => ({ x: c.gamma, y: c.summary.medianTGrok })) },
      ...(paper.some((q) => q.y !== null) ? [{ name: `p = ${a.p}: paper`, colour: i, marker: 'square' as const, dash: true, points: paper }] : []),
    ];
  });
  return {
    id: 'layer-allocation',
    title: 'Layer allocation: moving norm between embedding and readout',
    text: [
      'The total norm is held at w_c, as in the baseline, but each layer is held at its own norm: W1 at its share at grokking, and ' +
        'the rest split between the embedding E and the readout W2 by the allocation γ. If the norm acted on grokking only through ' +
        'the logit scale, moving norm between layers at a fixed total would move T_grok only as far as it moves L. The paper finds ' +
        'T_grok swinging with γ while L barely moves, and reads this as supporting evidence only: moving norm out of the embedding ' +
        'also changes how much the embedding can hold, so the experiment cannot separate the two.',
    ],
    tables: sorted.map((a) => allocationTable(a, tables, published)),
    figures: [
      {
        id: 'layer-allocation',
        caption: 'Median T_grok over seeds against the allocation γ (W2’s share of the E–W2 power grows with γ), ours (solid) and the paper’s (dashed); log scale.',
        chart: {
          type: 'line',
          title: 'Layer allocation: T_grok vs γ',
          x: { label: 'allocation γ' },
          y: { label: 'T_grok (steps, median over seeds)', scale: 'log' },
          series,
        },
        width: 620,
        height: 380,
      },
    ],
    notes: [grokkedNote(sorted.flatMap(({ data: a }) => a.cells.map((c) => ({ label: `p = ${a.p}, γ = ${gridValue(c.gamma)}`, summary: c.summary }))))],
  };
}
