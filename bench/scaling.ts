/**
 * Issue 5, "all cores busy": a grid of independent cells (the paper's MLP at p = 59, a fixed number of
 * steps each) run by `grokpipe repro` with -j 1 and with -j N (N = the machine's cores), from an empty
 * store each time. Prints seed-steps per second for each and the ratio: the peer is the same tool on one
 * core, run side by side in this one command.
 *
 *   npx tsx bench/scaling.ts [--cells 8] [--steps 400] [--seeds 2] [--jobs N]
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bufferIo } from '../src/cli/io.ts';
import { runCli } from '../src/cli/run-cli.ts';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { cells: { type: 'string', default: '8' }, steps: { type: 'string', default: '400' }, seeds: { type: 'string', default: '2' }, jobs: { type: 'string' } } });
const cells = Number(values.cells);
const steps = Number(values.steps);
const seeds = Number(values.seeds);
const jobs = Number(values.jobs ?? availableParallelism());

const STAGE = `import { runCell } from '../src/grok/train/cell.ts';
export default {
  params: { type: 'object', properties: { first: { type: 'integer' }, seeds: { type: 'integer' }, steps: { type: 'integer' } }, required: ['first', 'seeds', 'steps'] },
  async run(ctx) {
    const seeds = Array.from({ length: ctx.params.seeds }, (_, i) => ctx.params.first + i);
    await runCell({ model: 'mlp', p: 59, trainFraction: 0.4, seeds, loss: 'ce', tau: 1, precision: 'f32', engine: 'wasm',
      budget: ctx.params.steps, stopWhenAllGrokked: false });
  },
};
`;
const PIPELINE = `version: 1
stages:
  grid:
    uses: stages/grid-cell.ts
    matrix: { cell: [${Array.from({ length: cells }, (_, i) => i).join(', ')}] }
    params: { first: "\${matrix.cell}", seeds: ${seeds}, steps: ${steps} }
`;

async function timedRepro(j: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'grokpipe-scaling-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    cpSync(join(PROJECT, 'pipeline.schema.json'), join(dir, 'pipeline.schema.json'));
    writeFileSync(join(dir, 'pipeline.yaml'), PIPELINE);
    cpSync(join(PROJECT, 'src'), join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'stages'));
    writeFileSync(join(dir, 'stages', 'grid-cell.ts'), STAGE);
    symlinkSync(join(PROJECT, 'node_modules'), join(dir, 'node_modules'));
    symlinkSync(join(PROJECT, 'build'), join(dir, 'build'));
    const io = bufferIo(dir);
    const start = performance.now();
    const code = await runCli(['repro', '-j', String(j)], io);
    const seconds = (performance.now() - start) / 1000;
    if (code !== 0) throw new Error(`repro -j ${j} failed (exit ${code}):\n${io.stderr()}${io.stdout()}`);
    return seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const work = cells * seeds * steps;
console.log(`grid: ${cells} cells x ${seeds} seeds x ${steps} steps of the MLP at p = 59 (wasm f32), ${work} seed-steps`);
const one = await timedRepro(1);
const many = await timedRepro(jobs);
const row = (label: string, s: number) => `${label.padEnd(24)} ${s.toFixed(1).padStart(7)} s  ${(work / s).toFixed(1).padStart(8)} seed-steps/s`;
console.log(row('grokpipe repro -j 1', one));
console.log(row(`grokpipe repro -j ${jobs}`, many));
console.log(`ratio -j ${jobs} / -j 1: ${(one / many).toFixed(2)}x throughput (ideal ${jobs}.00x)`);
