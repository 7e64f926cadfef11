/** Experiment 6, the memorization control: temperature moves the delay after memorization, not T_mem. */
import type { MemorizationControlResult } from '../../analysis/memorization-control.ts';
import { formatNumber } from '../format.ts';
import type { Cell, LineSeries, Section } from '../model.ts';
import { bootstrapWords, byKey, describeSeeds, fixed, gridValue, grokkedNote, INTEGER, intervalCell, numberCell, SHARE, stepsCell, tauLabel, undefinedResampleNotes } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

export function memorizationSection(memorization: ReadonlyArray<StudyArtifact<MemorizationControlResult>>, published: PublishedValues): Section | null {
  if (memorization.length === 0) return null;
  const sorted = byKey(memorization, (a) => a.data.p);
  const budget = (m: MemorizationControlResult) => m.cells[0].summary.budget;
  const shareRows: Cell[][] = sorted.map((artifact) => {
    const m = artifact.data;
    const slope = m.delayOnTGrok;
    return [
      { kind: 'number', value: m.p, format: INTEGER },
      `${gridValue(m.tauLo)} → ${gridValue(m.tauHi)}`,
      numberCell(m.tGrokChange, INTEGER, 'not defined'),
      numberCell(m.delayChange, INTEGER, 'not defined'),
      numberCell(m.tMemChange, INTEGER, 'not defined'),
      intervalCell(m.delayShare, m.bootstrap.delayShare, SHARE),
      published.cell(artifact, SHARE, 'delayShare'),
      numberCell(m.delayShareOfMeans, SHARE, 'not every seed grokked'),
      slope === null
        ? 'fewer than 3 cells'
        : `${formatNumber(slope.slope, fixed(2))} (R² ${slope.rSquared === null ? '—' : formatNumber(slope.rSquared, fixed(3))}, ${slope.cells} cells)`,
    ];
  });
  const taus = [...new Set(sorted.flatMap((a) => a.data.cells.map((c) => c.tau)))].sort((a, b) => a - b);
  const cellRows: Cell[][] = taus.map((tau): Cell[] => [
    tauLabel(tau),
    ...sorted.flatMap(({ data: m }): Cell[] => {
      const c = m.cells.find((x) => x.tau === tau);
      if (!c) return [null, null, null];
      return [stepsCell(c.medianTMem, budget(m), 'not memorized'), stepsCell(c.medianDelay, budget(m)), stepsCell(c.medianTGrok, budget(m))];
    }),
  ]);
  const series: LineSeries[] = sorted.flatMap(({ data: m }, i) => [
    { name: `p = ${m.p}: T_grok`, colour: i, marker: 'circle' as const, points: m.cells.map((c) => ({ x: c.tau, y: c.medianTGrok })) },
    { name: `p = ${m.p}: delay`, colour: i, marker: 'square' as const, dash: true, points: m.cells.map((c) => ({ x: c.tau, y: c.medianDelay })) },
    { name: `p = ${m.p}: T_mem`, colour: i, marker: 'triangle' as const, dash: true, points: m.cells.map((c) => ({ x: c.tau, y: c.medianTMem })) },
  ]);
  return {
    id: 'memorization',
    title: 'Memorization control: temperature acts on the delay',
    text: [
      'Across the τ sweep at the raised norm (cross-entropy), each seed’s T_grok splits into T_mem (train accuracy ≥ 0.99) ' +
        'and the delay T_grok − T_mem. If temperature acted on memorization, T_mem would move with τ; the share of the change ' +
        'in T_grok that the delay carries says where it acts (1 = all in the delay; above 1, T_mem moves slightly the other way).',
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'memorization-share',
        caption:
          'Changes of the cell medians from the coolest to the hottest τ (lower τ minus higher τ, in steps), and the delay ' +
          `share = Δdelay / ΔT_grok with its ${bootstrapWords(sorted.map((a) => a.data.bootstrap.delayShare))}. Medians do not add up ` +
          '(median T_grok ≠ median T_mem + median delay), so two companions: the same share on means over seeds (exactly ' +
          'additive) and the OLS slope of median delay on median T_grok over every sweep cell.',
        columns: [
          { header: 'p' },
          { header: 'τ' },
          { header: 'ΔT_grok' },
          { header: 'Δdelay' },
          { header: 'ΔT_mem' },
          { header: 'delay share (95% CI)' },
          { header: 'paper share' },
          { header: 'share of means' },
          { header: 'delay on T_grok' },
        ],
        rows: shareRows,
      }),
      {
        id: 'memorization-cells',
        caption: `Per τ: medians over ${[...new Set(sorted.map((a) => describeSeeds(a.data.perSeed.map((s) => s.seed))))].join('; ')} of T_mem, of the delay T_grok − T_mem, and of T_grok.`,
        columns: [
          { header: 'cell' },
          ...sorted.flatMap(({ data: m }) => [{ header: `p = ${m.p}: T_mem` }, { header: 'delay' }, { header: 'T_grok' }]),
        ],
        rows: cellRows,
      },
    ],
    notes: [
      grokkedNote(sorted.flatMap(({ data: m }) => m.cells.map((c) => ({ label: `p = ${m.p}, ${tauLabel(c.tau)}`, summary: c.summary })))),
      ...undefinedResampleNotes(sorted.map(({ data: m }) => ({ label: `the delay share at p = ${m.p}`, ci: m.bootstrap.delayShare }))),
    ],
    figures: [
      {
        id: 'memorization-split',
        caption: 'Medians over seeds across the τ sweep: T_grok (solid), the delay after memorization and T_mem (dashed). Linear scale, so the delay and T_mem add up to about T_grok.',
        chart: {
          type: 'line',
          title: 'T_grok split into T_mem and delay across τ',
          x: { label: 'temperature τ' },
          y: { label: 'steps (median over seeds)', include: [0] },
          series,
        },
        width: 640,
        height: 400,
      },
    ],
  };
}
