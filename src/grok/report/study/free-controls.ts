/** Experiment 1, the free controls: unclamped training per model, loss and modulus; they measure w_c. */
import type { FreeControlResult } from '../../analysis/free-control.ts';
import type { Cell, Section } from '../model.ts';
import { byKey, describeSeeds, fixed, grokkedOf, lossLabel, numberCell, stepsCell } from './cells.ts';
import type { StudyArtifact } from './input.ts';

const MODEL_ORDER = { mlp: 0, transformer: 1 } as const;

export function freeControlsSection(free: ReadonlyArray<StudyArtifact<FreeControlResult>>): Section | null {
  if (free.length === 0) return null;
  const sorted = byKey(free, (a) => MODEL_ORDER[a.data.cell.model], (a) => a.data.cell.loss, (a) => a.data.cell.p);
  const rows: Cell[][] = sorted.map(({ data }) => {
    const c = data.cell;
    return [
      c.model === 'mlp' ? 'MLP' : 'transformer',
      lossLabel(c.loss),
      { kind: 'number', value: c.p, format: { kind: 'integer' } },
      grokkedOf(c),
      stepsCell(data.medianTMem, c.budget, 'not memorized'),
      stepsCell(data.medianTGrok, c.budget),
      stepsCell(data.medianDelay, c.budget),
      numberCell(data.wc, fixed(2), 'none (most seeds did not grok)'),
      ...normSpread(data),
    ];
  });
  const seedSets = [...new Set(sorted.map((a) => describeSeeds(a.data.perSeed.map((s) => s.seed))))];
  return {
    id: 'free-controls',
    title: 'Free controls: the critical norm w_c',
    text: [
      'Unclamped training (τ = 1) per model, loss and modulus. The critical norm w_c is the median, over the seeds that ' +
        'grokked, of the weight norm ‖W‖ at each seed’s grokking step (Frobenius over the weight matrices: ' +
        '(‖E‖² + ‖W1‖² + ‖W2‖²)^½ for the MLP, every tensor for the transformer); every clamped cell of the same model, loss ' +
        'and modulus holds ρ·w_c. Each pipeline run measures its own w_c: nothing is typed in. The lowest and highest ' +
        'norm at grokking over the seeds show w_c’s spread: clamped cells are exponentially sensitive to it (the delay law), ' +
        'which is why the free controls run more seeds than the cells they calibrate.',
    ],
    tables: [
      {
        id: 'free-controls',
        caption:
          `Medians over seeds (${seedSets.join('; ')}) of T_mem (train accuracy ≥ 0.99), T_grok (test accuracy ≥ 0.90) ` +
          'and the delay T_grok − T_mem. A seed that never reached an event counts as later than every seed that did, so a ' +
          'median exists only when most seeds reached it.',
        columns: [
          { header: 'model' },
          { header: 'loss' },
          { header: 'p' },
          { header: 'seeds grokked' },
          { header: 'T_mem' },
          { header: 'T_grok' },
          { header: 'delay' },
          { header: 'w_c' },
          { header: 'lowest ‖W‖ at T_grok' },
          { header: 'highest ‖W‖ at T_grok' },
        ],
        rows,
      },
    ],
  };
}

/** The lowest and highest ||W|| at grokking over the seeds that grokked: how far w_c could move by seed. */
function normSpread(data: FreeControlResult): Cell[] {
  const norms = data.perSeed.flatMap((s) => (s.tGrok !== null && s.normAtGrok !== null ? [s.normAtGrok] : []));
  if (norms.length === 0) return [numberCell(null, fixed(2)), numberCell(null, fixed(2))];
  return [numberCell(Math.min(...norms), fixed(2)), numberCell(Math.max(...norms), fixed(2))];
}
