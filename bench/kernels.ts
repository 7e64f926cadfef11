/**
 * Seed-steps per second of every engine on the paper's MLP, beside PyTorch running the paper's own
 * formulation on one thread (bench/torch_mlp.py), at p = 59 and 97 (40% split), float32 and float64.
 *
 *   npm run bench                     (tsx bench/kernels.ts)
 *   npx tsx bench/kernels.ts [--seconds 2] [--rounds 3] [--engines wasm,ts,tfjs,torch] [--p 59,97]
 *                            [--peak-f32 112] [--peak-f64 56] [--model mlp|transformer]
 *
 * --model transformer times the no-LayerNorm transformer instead (no PyTorch script for it: torch is
 * skipped; FLOP columns count the MLP block and unembedding, 6 n 128 (2 512 + p + 1), only).
 *
 * A seed-step is one full-batch forward + backward (lossAndGrad, CE, tau 1) plus one AdamW update of one
 * seed's network; PyTorch's step is the same work in its own terms. The wasm engine is timed with its
 * in-module AdamW (kernel.createAdamW, bit-identical to src/grok/train/adamw.ts) and, in a second column,
 * with the TypeScript AdamW (measureKernel of bench/kernels-ts.ts), which the other engines always use.
 * The wasm kernels and PyTorch are measured in alternation, `rounds` times each, and the best round of
 * each is reported: other processes only ever slow a round down, so the best is the least disturbed.
 * PyTorch is optional: it is skipped, with a note, when neither `python3` nor `/usr/bin/python3` imports
 * torch. Timings use performance.now(), for display only.
 *
 * FLOPs per step (multiply-adds of the matrix products, 2 each; elementwise work not counted), n pairs:
 *   ours, factorized first layer:  6 * 256 * n * p   (readout forward, dW2, dG)
 *                                + 3 * 2 * 128 * 512 * p   (AB = E [W1_top | W1_bottom], dW1, dE)
 *   PyTorch, paper formulation:    6 * 256 * n * (256 + p)   (Linear 256->256 and 256->p, forward + both
 *                                                            backward products)
 * so the same step is 3-5x fewer FLOPs for us: the table prints both rates, each against the machine peak.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FloatArray, Kernel, ModelKind, Precision } from '../src/grok/kernels/contract.ts';
import { createKernel } from '../src/grok/kernels/ts/index.ts';
import { createWasmKernel } from '../src/grok/kernels/wasm/index.ts';
import { makeSplit } from '../src/grok/data.ts';
import { initializeParameters } from '../src/grok/models/init.ts';
import { measureKernel } from './kernels-ts.ts';


type AnyKernel = Kernel<Record<string, FloatArray>>;
type EngineName = 'wasm' | 'ts' | 'tfjs' | 'torch';
/** Engines' columns: 'wasm-ts-adamw' is the wasm kernel stepped by the TypeScript AdamW. */
type ColumnName = EngineName | 'wasm-ts-adamw';

export interface Options {
  model: ModelKind;
  seconds: number;
  rounds: number;
  engines: EngineName[];
  moduli: number[];
  peak: Record<Precision, number>;
}

export interface RowResult {
  p: number;
  precision: Precision;
  n: number;
  /** Seed-steps per second per engine (best round); absent when the engine was skipped. */
  stepsPerSecond: Partial<Record<ColumnName, number>>;
  notes: string[];
}

export const FRACTION = 0.4;

/** FLOPs of one step of our factorized MLP (matrix products only). */
export function factorizedFlops(n: number, p: number): number {
  return 6 * 256 * n * p + 3 * 2 * 128 * 512 * p;
}

/** FLOPs of one transformer step in its per-example products (MLP block and unembedding) only. */
export function transformerFlops(n: number, p: number): number {
  return 6 * 128 * n * (2 * 512 + p + 1);
}

/** FLOPs of one step of the paper's formulation (matrix products only), as PyTorch computes it. */
export function paperFlops(n: number, p: number): number {
  return 6 * 256 * n * (256 + p);
}

const torchScript = fileURLToPath(new URL('./torch_mlp.py', import.meta.url));

/** The first python that imports torch, or null. */
export function findTorchPython(): { python: string; version: string } | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return null;
}

function measureTorch(python: string, p: number, precision: Precision, seconds: number): number {
  const run = spawnSync(python, [torchScript, '--p', String(p), '--precision', precision, '--seconds', String(seconds), '--fraction', String(FRACTION)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`bench: ${python} ${torchScript} failed (exit ${run.status}):\n${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(line) as { stepsPerSecond: number; n: number; threads: number };
  if (result.threads !== 1) throw new Error(`bench: expected PyTorch on one thread, found ${result.threads}`);
  return result.stepsPerSecond;
}

async function makeKernel(engine: Exclude<EngineName, 'torch'>, model: ModelKind, p: number, precision: Precision): Promise<AnyKernel | string> {
  if (engine === 'ts') return createKernel({ model, p, precision });
  if (engine === 'wasm') return createWasmKernel({ model, p, precision }) as unknown as AnyKernel;
  if (precision === 'f64') return 'tfjs has no float64';
  const tfjsIndex = new URL('../src/grok/kernels/tfjs/index.ts', import.meta.url);
  if (!existsSync(fileURLToPath(tfjsIndex))) return 'src/grok/kernels/tfjs is absent';
  const mod = (await import(tfjsIndex.href)) as { createTfjsKernel(opts: object): Promise<AnyKernel> };
  return mod.createTfjsKernel({ model, p, precision });
}

export async function runBenchmark(options: Options, log: (line: string) => void = console.log): Promise<RowResult[]> {
  const torch = options.engines.includes('torch') && options.model === 'mlp' ? findTorchPython() : null;
  const model = options.model;
  const rows: RowResult[] = [];
  for (const p of options.moduli) {
    for (const precision of ['f32', 'f64'] as const) {
      const split = makeSplit(p, 0, FRACTION);
      const row: RowResult = { p, precision, n: split.train.n, stepsPerSecond: {}, notes: [] };
      const kernels = new Map<EngineName, AnyKernel>();
      for (const engine of options.engines) {
        if (engine === 'torch') continue;
        const made = await makeKernel(engine, model, p, precision);
        if (typeof made === 'string') {
          row.notes.push(`${engine}: ${made}`);
          continue;
        }
        initializeParameters(made.params, model, p, 0);
        kernels.set(engine, made);
      }
      if (options.engines.includes('torch') && !torch) {
        row.notes.push(model === 'mlp' ? 'torch: no python3 with torch importable' : 'torch: no PyTorch script for the transformer');
      }
      // wasm and torch alternate for `rounds` rounds; the slow reference engines run once
      const alternating: EngineName[] = options.engines.filter((e) => e === 'wasm' || (e === 'torch' && torch !== null));
      for (let round = 0; round < options.rounds; round++) {
        for (const engine of alternating) {
          if (engine === 'torch') {
            const speed = measureTorch(torch!.python, p, precision, options.seconds);
            row.stepsPerSecond.torch = Math.max(row.stepsPerSecond.torch ?? 0, speed);
            continue;
          }
          // a fresh kernel per round: its in-module AdamW owns the kernel's moments
          const kernel = createWasmKernel({ model, p, precision });
          initializeParameters(kernel.params as unknown as Record<string, FloatArray>, model, p, 0);
          const speed = measureKernel(kernel as unknown as AnyKernel, split.train, options.seconds, 5, 'own').stepsPerSecond;
          row.stepsPerSecond.wasm = Math.max(row.stepsPerSecond.wasm ?? 0, speed);
        }
      }
      for (const [engine, kernel] of kernels) {
        if (engine === 'wasm') {
          row.stepsPerSecond['wasm-ts-adamw'] = measureKernel(kernel, split.train, options.seconds).stepsPerSecond;
          continue;
        }
        row.stepsPerSecond[engine] = measureKernel(kernel, split.train, options.seconds).stepsPerSecond;
        (kernel as { dispose?: () => void }).dispose?.();
      }
      rows.push(row);
      log(formatRow(row, options));
    }
  }
  return rows;
}

function formatRow(row: RowResult, options: Options): string {
  const ours = options.model === 'mlp' ? factorizedFlops(row.n, row.p) : transformerFlops(row.n, row.p);
  const theirs = paperFlops(row.n, row.p);
  const peak = options.peak[row.precision];
  const flopsNote =
    options.model === 'mlp' ? `${(ours / 1e6).toFixed(0)} / ${(theirs / 1e6).toFixed(0)} MFLOP per step ours / paper` : `${(ours / 1e6).toFixed(0)} MFLOP per step counted`;
  const cells = [`p ${row.p} ${row.precision} (n ${row.n}; ${flopsNote})`];
  const columns: ColumnName[] = [...options.engines, ...(options.engines.includes('wasm') ? (['wasm-ts-adamw'] as const) : [])];
  for (const engine of columns) {
    const s = row.stepsPerSecond[engine];
    if (s === undefined) continue;
    const flops = engine === 'torch' ? theirs : ours;
    cells.push(`${engine} ${s.toFixed(1)}/s (${((s * flops) / 1e9).toFixed(1)} GFLOP/s, ${((100 * s * flops) / 1e9 / peak).toFixed(0)}% of peak)`);
  }
  return cells.join('  |  ') + (row.notes.length ? `  [${row.notes.join('; ')}]` : '');
}

export function formatTable(rows: RowResult[], options: Options): string {
  const header = ['p', 'prec', 'n', 'ours wasm/s', 'PyTorch/s', 'ratio', 'ours GFLOP/s (% peak)', 'PyTorch GFLOP/s (% peak)', 'wasm+TS AdamW/s', 'ts/s', 'tfjs/s'];
  const lines = [header];
  for (const row of rows) {
    const wasm = row.stepsPerSecond.wasm;
    const torch = row.stepsPerSecond.torch;
    const peak = options.peak[row.precision];
    const rate = (s: number | undefined, flops: number) =>
      s === undefined ? '-' : `${((s * flops) / 1e9).toFixed(1)} (${((100 * s * flops) / 1e9 / peak).toFixed(0)}%)`;
    lines.push([
      String(row.p),
      row.precision,
      String(row.n),
      wasm === undefined ? '-' : wasm.toFixed(1),
      torch === undefined ? '-' : torch.toFixed(1),
      wasm !== undefined && torch !== undefined ? `${(wasm / torch).toFixed(2)}x` : '-',
      rate(wasm, options.model === 'mlp' ? factorizedFlops(row.n, row.p) : transformerFlops(row.n, row.p)),
      rate(torch, paperFlops(row.n, row.p)),
      row.stepsPerSecond['wasm-ts-adamw'] === undefined ? '-' : row.stepsPerSecond['wasm-ts-adamw'].toFixed(1),
      row.stepsPerSecond.ts === undefined ? '-' : row.stepsPerSecond.ts.toFixed(1),
      row.stepsPerSecond.tfjs === undefined ? '-' : row.stepsPerSecond.tfjs.toFixed(1),
    ]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i === -1) return undefined;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`bench: expected a value after --${name}, found nothing`);
    return v;
  };
  const number = (name: string, fallback: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!(x > 0)) throw new Error(`bench: expected a positive number for --${name}, found ${JSON.stringify(v)}`);
    return x;
  };
  const engines = (value('engines') ?? 'wasm,torch,ts,tfjs').split(',') as EngineName[];
  for (const e of engines) {
    if (!['wasm', 'ts', 'tfjs', 'torch'].includes(e)) throw new Error(`bench: expected engines among wasm, ts, tfjs, torch, found ${JSON.stringify(e)}`);
  }
  const model = (value('model') ?? 'mlp') as ModelKind;
  if (model !== 'mlp' && model !== 'transformer') throw new Error(`bench: expected --model mlp or transformer, found ${JSON.stringify(model)}`);
  return {
    model,
    seconds: number('seconds', 2),
    rounds: Math.round(number('rounds', 3)),
    engines,
    moduli: (value('p') ?? '59,97').split(',').map(Number),
    // One Zen 4 core: 2 x 256-bit FMA pipes at ~3.5 GHz = 112 GFLOP/s float32, half in float64.
    // Plain wasm SIMD (128-bit, no FMA) can reach at most a quarter of that.
    peak: { f32: number('peak-f32', 112), f64: number('peak-f64', 56) },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const torch = options.engines.includes('torch') && options.model === 'mlp' ? findTorchPython() : null;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const title = options.model === 'mlp' ? "the paper's MLP" : 'the no-LayerNorm transformer';
  console.log(`grokpipe kernel benchmark: ${title}, 40% split, CE, tau 1; a seed-step = lossAndGrad + AdamW; one thread`);
  console.log(`machine: ${cpu}, ${os.cpus().length} logical CPUs, node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const noTorch = !options.engines.includes('torch')
    ? 'not requested (--engines)'
    : options.model === 'mlp'
      ? 'not found (python3 / /usr/bin/python3 cannot import torch): skipped'
      : 'skipped (no PyTorch script for the transformer)';
  console.log(`PyTorch: ${torch ? `${torch.version} via ${torch.python}, torch.set_num_threads(1)` : noTorch}`);
  console.log(`${options.seconds}s per measurement; wasm and PyTorch alternate ${options.rounds} rounds, best round kept; peak assumed ${options.peak.f32} / ${options.peak.f64} GFLOP/s (f32 / f64)`);
  console.log(
    options.model === 'mlp'
      ? 'FLOPs per step: ours 6*256*n*p + 3*2*128*512*p (factorized), PyTorch 6*256*n*(256+p) (paper formulation)\n'
      : 'FLOPs per step counted: 6*128*n*(2*512 + p + 1) (MLP block and unembedding; token-level tables not counted)\n',
  );
  const rows = await runBenchmark(options);
  console.log('\n' + formatTable(rows, options));
  console.log('\nOther processes share this machine\'s CPUs: figures are noisy (see the load average above).');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
