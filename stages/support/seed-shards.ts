/**
 * The phases of a training stage whose seeds run as shards (pipeline.yaml:
 * `shard: { axis: seed, count: seeds, barrier: true }`, docs/pipeline.md "Shards"):
 *
 *   run      one seed alone, to its own stop (the cell's stopping rule for one seed): seed.json, state.bin
 *   barrier  stop.json: the step where the lockstep cell stops, the latest of the seeds' own stops
 *   finish   the seed continued from its state.bin to that step (a copy when it is already there)
 *   merge    the cell's result assembled from the seeds' pieces: the lockstep cell's numbers
 *
 * Unsharded (ctx.shard undefined), run trains every seed in lockstep as before.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputRef, StageContext } from '../../src/engine/stage.ts';
import type { SplitsFile } from '../../src/grok/data.ts';
import type { CellConfig, CellResult, CellRun, RunCellOptions } from '../../src/grok/train/cell.ts';
import { assembleCell, cellStopStep, continueSeed } from '../../src/grok/train/cell-seeds.ts';
import { decodeState, encodeState, type TrainState } from '../../src/grok/train/state.ts';
import { writeJson } from './files.ts';
import { seedList, trainWithProgress, type TrainParams } from './training.ts';

/** What a training stage trains for a list of seeds: the config, the splits and the options. */
export interface SeedCell {
  config: CellConfig;
  splits: SplitsFile;
  options?: RunCellOptions;
}

export interface SeedShardStage<P extends TrainParams> {
  /** The cell for these seeds (all of them unsharded, one in a shard). */
  cell(ctx: StageContext<P>, seeds: number[]): Promise<SeedCell>;
  /** Writes the stage's outputs from the whole cell's result and final state (null in a merge without keepState). */
  write(ctx: StageContext<P>, result: CellResult, state: TrainState | null): Promise<void>;
  /** The merge needs every seed's final state (the fork saves it): finish keeps state.bin. */
  keepState?: boolean;
}

const SEED = 'seed.json';
const STATE = 'state.bin';
const STOP = 'stop.json';

async function readRun(ref: InputRef): Promise<CellRun> {
  const result = await ref.json<CellResult>(SEED);
  return { result, state: decodeState(new Uint8Array(await ref.read(STATE)), `${ref.instance}/${STATE}`) };
}

function shardValue(ctx: StageContext<TrainParams>): number {
  const v = ctx.shard?.value;
  if (v === undefined) throw new Error(`${ctx.instance}: the ${ctx.shard?.phase} phase runs for one seed, and the engine gave none`);
  return v;
}

export function seedShardPhases<P extends TrainParams>(stage: SeedShardStage<P>) {
  return {
    async run(ctx: StageContext<P>): Promise<void> {
      if (!ctx.shard) {
        const cell = await stage.cell(ctx, seedList(ctx.params.seeds));
        const run = await trainWithProgress(ctx, cell.config, cell.splits, cell.options);
        await stage.write(ctx, run.result, run.state);
        return;
      }
      const cell = await stage.cell(ctx, [shardValue(ctx)]);
      const run = await trainWithProgress(ctx, cell.config, cell.splits, cell.options);
      await writeJson(ctx.outDir, SEED, run.result);
      await writeFile(join(ctx.outDir, STATE), encodeState(run.state));
    },

    async barrier(ctx: StageContext<P>): Promise<void> {
      const shards = ctx.shard?.shards ?? [];
      const steps = await Promise.all(shards.map(async (s) => (await s.json<CellResult>(SEED)).finalStep));
      const step = cellStopStep(steps);
      ctx.log(`the cell stops at step ${step} (the seeds alone stopped at ${steps.join(', ')})`);
      await writeJson(ctx.outDir, STOP, { step });
    },

    async finish(ctx: StageContext<P>): Promise<void> {
      const own = ctx.shard?.run;
      const barrier = ctx.shard?.barrier;
      if (!own || !barrier) throw new Error(`${ctx.instance}: finish needs its run and the barrier, and the engine gave ${own ? 'no barrier' : 'no run'}`);
      const { step } = await barrier.json<{ step: number }>(STOP);
      if ((await own.json<CellResult>(SEED)).finalStep === step) {
        // Already at the cell's stopping step: the same bytes, without decoding the state.
        await writeFile(join(ctx.outDir, SEED), await own.read(SEED));
        if (stage.keepState) await writeFile(join(ctx.outDir, STATE), await own.read(STATE));
        return;
      }
      const cell = await stage.cell(ctx, [shardValue(ctx)]);
      const alone = await readRun(own);
      ctx.log(`continuing seed ${shardValue(ctx)} from step ${alone.result.finalStep} to the cell's stopping step ${step}`);
      const run = await continueSeed(cell.config, alone, step, {
        ...cell.options,
        splits: cell.splits,
        signal: ctx.signal,
        progress: (done, total, phase, detail) => ctx.progress({ done, total, phase, detail }),
      });
      await writeJson(ctx.outDir, SEED, run.result);
      if (stage.keepState) await writeFile(join(ctx.outDir, STATE), encodeState(run.state));
    },

    async merge(ctx: StageContext<P>): Promise<void> {
      const shards = ctx.shard?.shards ?? [];
      const pieces = await Promise.all(shards.map((s) => s.json<CellResult>(SEED)));
      const result = assembleCell(pieces);
      let state: TrainState | null = null;
      if (stage.keepState) {
        const states = await Promise.all(shards.map(async (s) => decodeState(new Uint8Array(await s.read(STATE)), `${s.instance}/${STATE}`)));
        state = { ...states[0], seeds: states.map((s) => s.seeds[0]) };
      }
      ctx.log(`${result.grokkedCount}/${result.seeds.length} seeds grokked, median T_grok ${result.medianTGrok ?? 'not reached'}, stopped at step ${result.finalStep}`);
      await stage.write(ctx, result, state);
    },
  };
}
