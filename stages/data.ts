/** The modular-addition task: every pair (a, b) -> (a + b) mod p and each seed's training split. */
import type { StageDefinition } from '../src/engine/stage.ts';
import { splitsFile } from '../src/grok/data.ts';
import { writeJson } from './support/files.ts';
import { seedList } from './support/training.ts';

interface Params {
  p: number;
  seeds: number;
  trainFraction: number;
}

export default {
  description: 'all p^2 pairs and the seeded per-seed train/test split',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['p', 'seeds'],
    properties: {
      p: { type: 'integer', minimum: 3 },
      seeds: { type: 'integer', minimum: 1, description: 'splits for seeds 0 .. seeds-1' },
      trainFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.4 },
    },
  },
  async run(ctx) {
    const { p, seeds, trainFraction } = ctx.params;
    const file = splitsFile(p, seedList(seeds), trainFraction);
    await writeJson(ctx.outDir, 'splits.json', file);
    ctx.log(`p = ${p}: ${file.nTrain} training pairs of ${p * p} for each of ${seeds} seeds`);
  },
} satisfies StageDefinition<Params>;
