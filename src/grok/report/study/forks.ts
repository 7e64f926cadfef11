/** Experiment 7, the same-state forks: from one saved state, only the held norm differs between the arms. */
import type { ForkArmName, SameStateForksResult } from '../../analysis/same-state-forks.ts';
import { formatNumber } from '../format.ts';
import type { Cell, CurveGroup, Figure, Section } from '../model.ts';
import { bootstrapWords, byKey, describeSeeds, fixed, gridValue, grokkedNote, INTEGER, intervalCell, numberCell, RATIO, stepsCell, undefinedResampleNotes } from './cells.ts';
import type { StudyArtifact } from './input.ts';
import { type PublishedValues, withoutEmptyPaperColumns } from './published.ts';

/** Reading order of the arms: from the lowest held norm to the highest, the free arm beside "same". */
const ARM_ORDER: readonly ForkArmName[] = ['lowered', 'same', 'free', 'raised'];

function armName(arm: ForkArmName, rho: number): string {
  const r = gridValue(rho);
  switch (arm) {
    case 'lowered':
      return `lowered (N0/${r})`;
    case 'same':
      return 'same (N0)';
    case 'free':
      return 'free';
    case 'raised':
      return `raised (${r}·N0)`;
  }
}

/** At most this many evaluation points per curve in the figure; every k-th evaluation is drawn. */
const MAX_CURVE_POINTS = 400;

export function forksSection(forks: ReadonlyArray<StudyArtifact<SameStateForksResult>>, published: PublishedValues): Section | null {
  if (forks.length === 0) return null;
  const sorted = byKey(forks, (a) => a.data.p);
  const rows: Cell[][] = sorted.map((artifact) => {
    const f = artifact.data;
    return [
      { kind: 'number', value: f.p, format: INTEGER },
      { kind: 'number', value: f.tFork, format: INTEGER },
      ...ARM_ORDER.map((arm) => stepsCell(f.arms[arm].medianDelayFromFork, f.arms[arm].summary.budget)),
      intervalCell(f.ratioRaisedOverSame, f.bootstrap.ratioRaisedOverSame, RATIO),
      published.cell(artifact, RATIO, 'ratioRaisedOverSame'),
      intervalCell(f.ratioLoweredOverSame, f.bootstrap.ratioLoweredOverSame, RATIO),
      orderingText(f),
      published.cell(artifact, INTEGER, 'orderingHoldsForEverySeed', 'orderedSeedCount'),
    ];
  });
  const seedRows: Cell[][] = sorted.flatMap(({ data: f }) =>
    f.perSeed.map((s): Cell[] => [
      { kind: 'number', value: f.p, format: INTEGER },
      { kind: 'number', value: s.seed, format: INTEGER },
      numberCell(s.forkNorm, fixed(2), 'not recorded'),
      ...ARM_ORDER.map((arm) => stepsCell(s.delayFromFork[arm], f.arms[arm].summary.budget)),
      s.ordered ? 'yes' : 'no',
    ]),
  );
  const figures: Figure[] = sorted.flatMap(({ data: f }) => {
    const figure = forkFigure(f);
    return figure ? [figure] : [];
  });
  const notes: string[] = [
    grokkedNote(sorted.flatMap(({ data: f }) => ARM_ORDER.map((arm) => ({ label: `p = ${f.p}, ${armName(arm, f.rho)}`, summary: f.arms[arm].summary })))),
  ];
  for (const { data: f } of sorted) {
    if (f.grokkedAtOrBeforeFork > 0) {
      notes.push(`p = ${f.p}: ${f.grokkedAtOrBeforeFork} seed-arm pairs grokked at or before the fork (delay ≤ 0): t_fork may be too late`);
    }
    if (f.heldNormsConsistent === false) notes.push(`p = ${f.p}: the arms’ clamp targets are not ρ·N0 and N0/ρ of the same arm’s N0; check the fork_arm stage`);
  }
  notes.push(
    ...undefinedResampleNotes(
      sorted.flatMap(({ data: f }) => [
        { label: `raised/same at p = ${f.p}`, ci: f.bootstrap.ratioRaisedOverSame },
        { label: `lowered/same at p = ${f.p}`, ci: f.bootstrap.ratioLoweredOverSame },
      ]),
    ),
  );
  if (sorted.every(({ data: f }) => f.heldNormsConsistent === true)) notes.push('held norms checked: raised = ρ·N0 and lowered = N0/ρ for every seed (relative 1e-6)');
  return {
    id: 'forks',
    title: 'Same-state forks: the held norm alone sets the delay',
    text: [
      'Cross-entropy runs trained freely to t_fork = max(800, the first evaluated step at which every seed has memorized); the ' +
        'whole state (parameters and Adam moments) is saved, and four arms continue from it: free, and the norm held per seed at ' +
        'its fork value N0 (same), at ρ·N0 (raised) or at N0/ρ (lowered). Every arm starts from identical bits, so the delay ' +
        'from the fork, T_grok − t_fork, isolates the held norm.',
    ],
    tables: [
      withoutEmptyPaperColumns({
        id: 'fork-delays',
        caption:
          `Median delay from the fork per arm (steps; medians over ${[...new Set(sorted.map((a) => describeSeeds(a.data.seeds)))].join('; ')}), ` +
          'the ratios of median delays raised/same and lowered/same with their ' +
          `${bootstrapWords(sorted.flatMap((a) => [a.data.bootstrap.ratioRaisedOverSame, a.data.bootstrap.ratioLoweredOverSame]))} ` +
          '(the same resampled seeds in every arm), and the seeds ' +
          'whose delays are strictly ordered lowered < same < raised (a seed that did not grok counts as later than any that did).',
        columns: [
          { header: 'p' },
          { header: 't_fork' },
          ...ARM_ORDER.map((arm) => ({ header: arm })),
          { header: 'raised/same (95% CI)' },
          { header: 'paper raised/same' },
          { header: 'lowered/same (95% CI)' },
          { header: 'ordering' },
          { header: 'paper ordering' },
        ],
        rows,
      }),
      {
        id: 'fork-seeds',
        caption: 'Per seed: the fork norm N0 (‖W‖ at t_fork, the “same” arm’s target) and the delay from the fork in each arm (steps).',
        columns: [{ header: 'p' }, { header: 'seed' }, { header: 'N0' }, ...ARM_ORDER.map((arm) => ({ header: arm })), { header: 'ordered' }],
        rows: seedRows,
      },
    ],
    figures,
    notes,
  };
}

function orderingText(f: SameStateForksResult): string {
  const n = f.seeds.length;
  return f.orderingHoldsForEverySeed ? `every seed (${n}/${n})` : `${f.orderedSeedCount} of ${n} seeds`;
}

/**
 * Test accuracy after the fork, per arm: every seed faint, the median bold. The arms stop at different
 * steps (a cell stops once every seed has grokked), so the x grid is the union of their evaluated steps
 * and a curve ends where its arm stopped. Long runs are thinned to every k-th evaluation, never averaged.
 */
function forkFigure(f: SameStateForksResult): Figure | null {
  const present = ARM_ORDER.filter((arm) => f.arms[arm].testAccuracy !== null);
  if (present.length === 0) return null;
  const allSteps = [...new Set(present.flatMap((arm) => f.arms[arm].testAccuracy!.steps))].sort((a, b) => a - b);
  const stride = Math.max(1, Math.ceil(allSteps.length / MAX_CURVE_POINTS));
  const xValues = allSteps.filter((_, i) => i % stride === 0 || i === allSteps.length - 1);
  const groups: CurveGroup[] = present.map((arm) => {
    const curves = f.arms[arm].testAccuracy!;
    const at = new Map(curves.steps.map((s, i) => [s, i]));
    return {
      name: armName(arm, f.rho),
      colour: ARM_ORDER.indexOf(arm),
      runs: curves.perSeed.map((run) => xValues.map((x) => (at.has(x) ? run[at.get(x)!] : null))),
    };
  });
  const every = allSteps.length > 1 ? (allSteps[1] - allSteps[0]) * stride : 0;
  return {
    id: `forks-${f.p}`,
    caption:
      `p = ${f.p}: test accuracy from the fork at step ${formatNumber(f.tFork, INTEGER)}, four arms with ρ = ${gridValue(f.rho)}; ` +
      `faint: each of the ${f.seeds.length} seeds, bold: the pointwise median over seeds` +
      (stride > 1 ? `; drawn every ${formatNumber(every, INTEGER)} steps (one evaluation in ${stride})` : '') +
      '. A curve ends where its arm stopped (every seed grokked, or the budget).',
    chart: {
      type: 'curves',
      title: `Same-state forks, p = ${f.p}`,
      x: { label: 'training step' },
      y: { label: 'test accuracy', include: [0, 1] },
      xValues,
      groups,
      references: [
        { axis: 'y', value: 0.9, label: 'grokked (0.90)', labelAt: 'end' },
        { axis: 'x', value: f.tFork, label: 'fork' },
      ],
    },
    width: 680,
    height: 400,
  };
}
