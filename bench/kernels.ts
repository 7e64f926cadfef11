/**
 * Seed-steps per second of every engine on the paper's MLP (p = 59 and 97) and on the no-LayerNorm
 * transformer (p = 59), 40% split, float32 and float64, beside PyTorch running the paper's own formulation
 * on one thread (bench/torch_mlp.py, bench/torch_transformer.py), and beside the wasm SIMD ceilings of this
 * machine (bench/simd-ceiling.ts). Engine 'wasm' is build/kernels.wasm (the study's kernels), 'wasm-fma'
 * build/kernels-fma.wasm (the same sources on relaxed_madd, src/grok/kernels/wasm/fma.ts), each against
 * its own ceiling: separate multiply and add, or relaxed_madd.
 *
 *   npm run bench                     (tsx bench/kernels.ts)
 *   npx tsx bench/kernels.ts [--seconds 2] [--rounds 3] [--engines wasm,wasm-fma,ts,tfjs,torch] [--p 59,97]
 *                            [--tf-p 59] [--model mlp,transformer] [--peak-f32 112] [--peak-f64 56]
 *                            [--target mlp=1.8,transformer=3]
 *
 * A seed-step is one full-batch forward + backward (lossAndGrad, CE, tau 1) plus one AdamW update of one
 * seed's network; PyTorch's step is the same work in its own terms. The wasm engine is timed with its
 * in-module AdamW (kernel.createAdamW, bit-identical to src/grok/train/adamw.ts) and, in a second column,
 * with the TypeScript AdamW (measureKernel of bench/kernels-ts.ts), which the other engines always use.
 * The wasm kernels (both builds), PyTorch and the SIMD ceilings are measured in alternation, `rounds` times each, and the
 * best round of each is reported: other processes only ever slow a round down, so the best is the least
 * disturbed. PyTorch is optional: it is skipped, with a note, when neither `python3` nor `/usr/bin/python3`
 * imports torch. Timings use performance.now(), for display only.
 *
 * FLOPs per step (multiply-adds of the matrix products, 2 each; elementwise work not counted), n pairs:
 *   MLP, ours (factorized first layer):  6 * 256 * n * p + 3 * 2 * 128 * 512 * p
 *   MLP, PyTorch (paper formulation):    6 * 256 * n * (256 + p)
 *   transformer, ours (transformerFlops below: per-token tables, Wout U):  about 6 * 128 * n * (5 * (p + 1) + 60)
 *                                               + the per-step tables (2p + 1 token rows)
 *   transformer, PyTorch (per example):  6 * 128 * n * (8 * 128 + 2 * 512 + p + 1)   (q, k, v, Wo; MLP; U)
 * so the same step is 3-5x fewer FLOPs for us: the table prints both rates, each against the machine peak,
 * and ours against the wasm SIMD ceilings (128-bit multiply + add, and relaxed_madd), the most our kernels can reach.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { $ } from 'zx';
import type { FloatArray, Kernel, ModelKind, Precision } from '../src/grok/kernels/contract.ts';
import { createKernel } from '../src/grok/kernels/ts/index.ts';
import { createWasmKernel as createFmaKernel, wasmIdentity as fmaIdentity } from '../src/grok/kernels/wasm/fma.ts';
import { createWasmKernel } from '../src/grok/kernels/wasm/index.ts';
import { makeSplit } from '../src/grok/data.ts';
import { initializeParameters } from '../src/grok/models/init.ts';
import { measureKernel } from './kernels-ts.ts';
import { createSimdCeiling, type SimdCeiling } from './simd-ceiling.ts';


type AnyKernel = Kernel<Record<string, FloatArray>>;
type EngineName = 'wasm' | 'wasm-fma' | 'ts' | 'tfjs' | 'torch';
/** Engines' columns: 'wasm-ts-adamw' is the wasm kernel stepped by the TypeScript AdamW. */
type ColumnName = EngineName | 'wasm-ts-adamw';

export interface Options {
  models: ModelKind[];
  seconds: number;
  rounds: number;
  engines: EngineName[];
  moduli: number[];
  /** Moduli of the transformer rows. */
  transformerModuli: number[];
  peak: Record<Precision, number>;
  /** Ratios to PyTorch to check each model's rows against (--target mlp=1.8,transformer=3); none by default. */
  targets: Partial<Record<ModelKind, number>>;
}

export interface RowResult {
  model: ModelKind;
  p: number;
  precision: Precision;
  n: number;
  /** The BLAS kernels PyTorch ran (OpenBLAS's core type: SkylakeX is AVX-512), when it ran. */
  torchBlas?: string;
  /** Seed-steps per second per engine (best round); absent when the engine was skipped. */
  stepsPerSecond: Partial<Record<ColumnName, number>>;
  notes: string[];
}

export const FRACTION = 0.4;

/** FLOPs of one step of our factorized MLP (matrix products only). */
export function factorizedFlops(n: number, p: number): number {
  return 6 * 256 * n * p + 3 * 2 * 128 * 512 * p;
}

/**
 * FLOPs of one transformer step as our kernels compute it (src/grok/kernels/wasm/assembly/transformer.ts),
 * every product counted, the per-step token tables too. Per example: z = r U + g (Wout U) and its four
 * backward products, 6 x (128 + 512) x (p + 1), and the attention's twelve (128 + 512)-wide mixes, dots and
 * per-token sums, 6 x 12 x 640. Per step, over the 2p + 1 token rows: the 128 x 128 tables (K, V, VO and
 * their gradients), the 128 x 512 ones (VOW, Wo Win, and what multiplies du back), and Wout U three times.
 */
/**
 * The attention's FLOPs per example: twelve (128 + 512)-wide mixes forward (2 per multiply-add), and
 * backward their dots and per-token sums, twice that.
 */
export const ATTENTION_FLOPS = { forward: 2 * 12 * 640, backward: 4 * 12 * 640 };

export function transformerFlops(n: number, p: number): number {
  const rows = 2 * p + 1;
  const perExample = 6 * 640 * (p + 1) + ATTENTION_FLOPS.forward + ATTENTION_FLOPS.backward;
  const perStep = 2 * 128 * 128 * (9 * rows + 2) + 2 * 128 * 512 * (3 * rows + 258) + 6 * 512 * 128 * (p + 1);
  return n * perExample + perStep;
}

/** FLOPs of one step of the paper's formulation (matrix products only), as PyTorch computes it. */
export function paperFlops(n: number, p: number): number {
  return 6 * 256 * n * (256 + p);
}

/** FLOPs of one step of the transformer in its per-example formulation (q, k, v, Wo, MLP block, U). */
export function paperTransformerFlops(n: number, p: number): number {
  return 6 * 128 * n * (8 * 128 + 2 * 512 + p + 1);
}

function oursFlops(model: ModelKind, n: number, p: number): number {
  return model === 'mlp' ? factorizedFlops(n, p) : transformerFlops(n, p);
}

function torchFlops(model: ModelKind, n: number, p: number): number {
  return model === 'mlp' ? paperFlops(n, p) : paperTransformerFlops(n, p);
}

const torchScripts: Record<ModelKind, string> = {
  mlp: fileURLToPath(new URL('./torch_mlp.py', import.meta.url)),
  transformer: fileURLToPath(new URL('./torch_transformer.py', import.meta.url)),
};

/** The first python that imports torch, or null. */
export function findTorchPython(): { python: string; version: string } | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = $.sync({ nothrow: true, quiet: true })`${python} -c ${'import torch; print(torch.__version__)'}`;
    if (probe.exitCode === 0) return { python, version: probe.stdout.trim() };
  }
  return null;
}

/** PyTorch's seed-steps per second and the BLAS kernels it ran (torch_common.py's blas_kernels). */
function measureTorch(python: string, model: ModelKind, p: number, precision: Precision, seconds: number): { stepsPerSecond: number; blas: string } {
  const torchScript = torchScripts[model];
  const oneThread = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const run = $.sync({ env: oneThread, nothrow: true, quiet: true })`${python} ${torchScript} --p ${p} --precision ${precision} --seconds ${seconds} --fraction ${FRACTION}`;
  if (run.exitCode !== 0) throw new Error(`bench: ${python} ${torchScript} failed (exit ${run.exitCode}):\n${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(line) as { stepsPerSecond: number; n: number; threads: number; blas: string };
  if (result.threads !== 1) throw new Error(`bench: expected PyTorch on one thread, found ${result.threads}`);
  return { stepsPerSecond: result.stepsPerSecond, blas: result.blas };
}

async function makeKernel(engine: Exclude<EngineName, 'torch'>, model: ModelKind, p: number, precision: Precision): Promise<AnyKernel | string> {
  if (engine === 'ts') return createKernel({ model, p, precision });
  if (engine === 'wasm') return createWasmKernel({ model, p, precision }) as unknown as AnyKernel;
  if (engine === 'wasm-fma') return createFmaKernel({ model, p, precision }) as unknown as AnyKernel;
  if (precision === 'f64') return 'tfjs has no float64';
  const tfjsIndex = new URL('../src/grok/kernels/tfjs/index.ts', import.meta.url);
  if (!existsSync(fileURLToPath(tfjsIndex))) return 'src/grok/kernels/tfjs is absent';
  const mod = (await import(tfjsIndex.href)) as { createTfjsKernel(opts: object): Promise<AnyKernel> };
  return mod.createTfjsKernel({ model, p, precision });
}

export async function runBenchmark(options: Options, ceiling: SimdCeiling, log: (line: string) => void = console.log): Promise<RowResult[]> {
  const torch = options.engines.includes('torch') ? findTorchPython() : null;
  const rows: RowResult[] = [];
  for (const model of options.models) {
    for (const p of model === 'mlp' ? options.moduli : options.transformerModuli) {
      for (const precision of ['f32', 'f64'] as const) {
        rows.push(await benchmarkRow(options, ceiling, torch, model, p, precision));
        log(formatRow(rows[rows.length - 1], options, ceiling));
      }
    }
  }
  return rows;
}

async function benchmarkRow(
  options: Options,
  ceiling: SimdCeiling,
  torch: { python: string } | null,
  model: ModelKind,
  p: number,
  precision: Precision,
): Promise<RowResult> {
  const split = makeSplit(p, 0, FRACTION);
  const row: RowResult = { model, p, precision, n: split.train.n, stepsPerSecond: {}, notes: [] };
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
  if (options.engines.includes('torch') && !torch) row.notes.push('torch: no python3 with torch importable');
  // wasm (both builds), torch and the SIMD ceilings alternate for `rounds` rounds; the slow reference
  // engines run once
  const alternating: EngineName[] = options.engines.filter((e) => e === 'wasm' || e === 'wasm-fma' || (e === 'torch' && torch !== null));
  for (let round = 0; round < options.rounds; round++) {
    for (const engine of alternating) {
      if (engine === 'torch') {
        const speed = measureTorch(torch!.python, model, p, precision, options.seconds);
        row.stepsPerSecond.torch = Math.max(row.stepsPerSecond.torch ?? 0, speed.stepsPerSecond);
        row.torchBlas = speed.blas;
        continue;
      }
      // a fresh kernel per round: its in-module AdamW owns the kernel's moments
      const kernel = (engine === 'wasm' ? createWasmKernel : createFmaKernel)({ model, p, precision });
      initializeParameters(kernel.params as unknown as Record<string, FloatArray>, model, p, 0);
      const speed = measureKernel(kernel as unknown as AnyKernel, split.train, options.seconds, 5, 'own').stepsPerSecond;
      row.stepsPerSecond[engine] = Math.max(row.stepsPerSecond[engine] ?? 0, speed);
    }
    ceiling.measure(Math.min(0.5, options.seconds / 4));
  }
  for (const [engine, kernel] of kernels) {
    if (engine === 'wasm') {
      row.stepsPerSecond['wasm-ts-adamw'] = measureKernel(kernel, split.train, options.seconds).stepsPerSecond;
      continue;
    }
    if (engine === 'wasm-fma') continue;
    row.stepsPerSecond[engine] = measureKernel(kernel, split.train, options.seconds, engine === 'ts' && model === 'transformer' ? 1 : 5).stepsPerSecond;
    (kernel as { dispose?: () => void }).dispose?.();
  }
  return row;
}

/**
 * A rate of seed-steps per second as arithmetic: GFLOP/s by the engine's own FLOP count (PyTorch's
 * formulation for torch, ours otherwise), its share of the assumed peak, and its share of the ceiling that
 * bounds the engine (the FMA ceiling for the FMA build, the multiply + add one for every other engine of
 * ours; none for PyTorch). The one place the bench turns steps into GFLOP/s and shares.
 */
function arithmetic(row: RowResult, engine: ColumnName, stepsPerSecond: number, options: Options, ceiling: SimdCeiling): { gflops: number; ofPeak: number; ofCeiling: number | null } {
  const flops = engine === 'torch' ? torchFlops(row.model, row.n, row.p) : oursFlops(row.model, row.n, row.p);
  const gflops = (stepsPerSecond * flops) / 1e9;
  const bound = engine === 'torch' ? null : engine === 'wasm-fma' ? ceiling.fmaGflops[row.precision] : ceiling.gflops[row.precision];
  return { gflops, ofPeak: (100 * gflops) / options.peak[row.precision], ofCeiling: bound === null ? null : (100 * gflops) / bound };
}

const percent = (x: number): string => `${x.toFixed(0)}%`;

function formatRow(row: RowResult, options: Options, ceiling: SimdCeiling): string {
  const ours = oursFlops(row.model, row.n, row.p);
  const theirs = torchFlops(row.model, row.n, row.p);
  const cells = [`${row.model} p ${row.p} ${row.precision} (n ${row.n}; ${(ours / 1e6).toFixed(0)} / ${(theirs / 1e6).toFixed(0)} MFLOP per step ours / PyTorch)`];
  const columns: ColumnName[] = [...options.engines, ...(options.engines.includes('wasm') ? (['wasm-ts-adamw'] as const) : [])];
  for (const engine of columns) {
    const s = row.stepsPerSecond[engine];
    if (s === undefined) continue;
    const a = arithmetic(row, engine, s, options, ceiling);
    const limit = a.ofCeiling === null ? '' : `, ${percent(a.ofCeiling)} of ${engine === 'wasm-fma' ? 'FMA' : 'wasm'} ceiling`;
    cells.push(`${engine} ${s.toFixed(1)}/s (${a.gflops.toFixed(1)} GFLOP/s, ${percent(a.ofPeak)} of peak${limit})`);
  }
  return cells.join('  |  ') + (row.notes.length ? `  [${row.notes.join('; ')}]` : '');
}

export function formatTable(rows: RowResult[], options: Options, ceiling: SimdCeiling): string {
  const header = [
    'model', 'p', 'prec', 'n', 'ours wasm/s', 'PyTorch/s', 'ratio', 'ours GFLOP/s (% peak, % wasm ceiling)',
    'FMA wasm/s', 'FMA ratio', 'FMA GFLOP/s (% peak, % FMA ceiling)', 'PyTorch GFLOP/s (% peak)', 'wasm+TS AdamW/s', 'ts/s', 'tfjs/s',
  ];
  const lines = [header];
  for (const row of rows) {
    const wasm = row.stepsPerSecond.wasm;
    const fma = row.stepsPerSecond['wasm-fma'];
    const torch = row.stepsPerSecond.torch;
    const fixed = (s: number | undefined) => (s === undefined ? '-' : s.toFixed(1));
    // GFLOP/s (% of peak, % of the engine's ceiling where it has one)
    const shares = (engine: ColumnName, s: number | undefined): string => {
      if (s === undefined) return '-';
      const a = arithmetic(row, engine, s, options, ceiling);
      return `${a.gflops.toFixed(1)} (${[a.ofPeak, a.ofCeiling].filter((x) => x !== null).map(percent).join(', ')})`;
    };
    const ours = shares('wasm', wasm);
    const oursFma = shares('wasm-fma', fma);
    const theirs = shares('torch', torch);
    lines.push([
      row.model,
      String(row.p),
      row.precision,
      String(row.n),
      fixed(wasm),
      fixed(torch),
      wasm !== undefined && torch !== undefined ? `${(wasm / torch).toFixed(2)}x` : '-',
      ours,
      fixed(fma),
      fma !== undefined && torch !== undefined ? `${(fma / torch).toFixed(2)}x` : '-',
      oursFma,
      theirs,
      fixed(row.stepsPerSecond['wasm-ts-adamw']),
      fixed(row.stepsPerSecond.ts),
      fixed(row.stepsPerSecond.tfjs),
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
  const engines = (value('engines') ?? 'wasm,wasm-fma,torch,ts,tfjs').split(',') as EngineName[];
  for (const e of engines) {
    if (!['wasm', 'wasm-fma', 'ts', 'tfjs', 'torch'].includes(e)) throw new Error(`bench: expected engines among wasm, wasm-fma, ts, tfjs, torch, found ${JSON.stringify(e)}`);
  }
  const models = (value('model') ?? 'mlp,transformer').split(',') as ModelKind[];
  for (const m of models) {
    if (m !== 'mlp' && m !== 'transformer') throw new Error(`bench: expected --model among mlp, transformer, found ${JSON.stringify(m)}`);
  }
  return {
    models,
    seconds: number('seconds', 2),
    rounds: Math.round(number('rounds', 3)),
    engines,
    moduli: (value('p') ?? '59,97').split(',').map(Number),
    transformerModuli: (value('tf-p') ?? '59').split(',').map(Number),
    // One Zen 4 core: 2 x 256-bit FMA pipes at ~3.5 GHz = 112 GFLOP/s float32, half in float64.
    // Plain wasm SIMD (128-bit, no FMA) can reach at most a quarter of that.
    peak: { f32: number('peak-f32', 112), f64: number('peak-f64', 56) },
    targets: parseTargets(value('target')),
  };
}

/** --target mlp=1.8,transformer=3: the ratio to PyTorch each model's rows are checked against. */
function parseTargets(text: string | undefined): Partial<Record<ModelKind, number>> {
  const targets: Partial<Record<ModelKind, number>> = {};
  for (const item of text ? text.split(',') : []) {
    const [model, ratio] = item.split('=');
    const x = Number(ratio);
    if ((model !== 'mlp' && model !== 'transformer') || !(x > 0)) {
      throw new Error(`bench: expected --target as model=ratio pairs (mlp=1.8,transformer=3), found ${JSON.stringify(item)}`);
    }
    targets[model] = x;
  }
  return targets;
}

/**
 * What each row's target ratio asks of our kernels, from this run's own measurements: the seed-steps per
 * second it takes (the ratio times PyTorch's), the rate our arithmetic would then run at, and that rate as
 * a share of the FMA ceiling measured beside it. Above 100% no efficiency reaches it at our arithmetic;
 * above what the GEMM reaches (bench/kernel-profile.ts) the whole step would have to beat its best kernel.
 */
export function formatTargets(rows: RowResult[], options: Options, ceiling: SimdCeiling): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const target = options.targets[row.model];
    const torch = row.stepsPerSecond.torch;
    const fma = row.stepsPerSecond['wasm-fma'];
    if (target === undefined || torch === undefined || fma === undefined) continue;
    const needed = target * torch;
    const need = arithmetic(row, 'wasm-fma', needed, options, ceiling);
    const have = arithmetic(row, 'wasm-fma', fma, options, ceiling);
    const verdict = fma >= needed ? 'met' : `not met: ${(needed / fma).toFixed(2)}x faster needed`;
    lines.push(
      `${row.model} p ${row.p} ${row.precision}: ${target}x PyTorch = ${needed.toFixed(1)} seed-steps/s = ${need.gflops.toFixed(1)} GFLOP/s, ` +
        `${percent(need.ofCeiling!)} of the FMA ceiling; ours ${fma.toFixed(1)}/s, ${percent(have.ofCeiling!)}: ${verdict}`,
    );
  }
  return lines;
}

/** Which of the named x86 feature flags the first CPU of /proc/cpuinfo lists (where FMA comes from). */
function cpuFeatures(names: string[]): string {
  if (!existsSync('/proc/cpuinfo')) return 'unknown (no /proc/cpuinfo)';
  const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
  return names.map((name) => `${name} ${flags.has(name) ? 'yes' : 'no'}`).join(', ');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const torch = options.engines.includes('torch') ? findTorchPython() : null;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`grokpipe kernel benchmark: ${options.models.join(' and ')}, 40% split, CE, tau 1; a seed-step = lossAndGrad + AdamW; one thread`);
  console.log(`machine: ${cpu}, ${os.cpus().length} logical CPUs, node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`CPU features (/proc/cpuinfo): ${cpuFeatures(['fma', 'avx2', 'avx512f'])}`);
  const noTorch = !options.engines.includes('torch') ? 'not requested (--engines)' : 'not found (python3 / /usr/bin/python3 cannot import torch): skipped';
  console.log(`PyTorch: ${torch ? `${torch.version} via ${torch.python}, torch.set_num_threads(1)` : noTorch}`);
  if (options.engines.includes('wasm-fma')) console.log(`FMA kernels: ${fmaIdentity()} (the probe's answer on this machine: fused or unfused)`);
  console.log(`${options.seconds}s per measurement; wasm (both builds), PyTorch and the SIMD ceilings alternate ${options.rounds} rounds, best round kept; peak assumed ${options.peak.f32} / ${options.peak.f64} GFLOP/s (f32 / f64)`);
  console.log('FLOPs per step: MLP ours 6*256*n*p + 3*2*128*512*p (factorized), PyTorch 6*256*n*(256+p) (paper formulation);');
  console.log('  transformer ours 6*640*n*(p+1) + 6*12*640*n + the per-step token tables (transformerFlops), PyTorch 6*128*n*(8*128+2*512+p+1) (per example)\n');
  const ceiling = await createSimdCeiling();
  const rows = await runBenchmark(options, ceiling);
  console.log(
    `\nwasm SIMD ceiling (128-bit multiply + add, no FMA; best of the rounds): ${ceiling.gflops.f32.toFixed(1)} GFLOP/s f32x4, ${ceiling.gflops.f64.toFixed(1)} GFLOP/s f64x2` +
      ` = ${((100 * ceiling.gflops.f32) / options.peak.f32).toFixed(0)}% / ${((100 * ceiling.gflops.f64) / options.peak.f64).toFixed(0)}% of the assumed peak`,
  );
  console.log(
    `wasm FMA ceiling (128-bit relaxed_madd, 2 FLOPs each; best of the rounds): ${ceiling.fmaGflops.f32.toFixed(1)} GFLOP/s f32x4, ${ceiling.fmaGflops.f64.toFixed(1)} GFLOP/s f64x2` +
      ` = ${(ceiling.fmaGflops.f32 / ceiling.gflops.f32).toFixed(2)}x / ${(ceiling.fmaGflops.f64 / ceiling.gflops.f64).toFixed(2)}x the multiply + add ceiling`,
  );
  const blas = [...new Set(rows.map((r) => r.torchBlas).filter((b) => b !== undefined))];
  // OpenBLAS picks its kernels by CPU vendor and model: on an AMD core with AVX-512 it runs its Haswell
  // (AVX2) kernels unless OPENBLAS_CORETYPE=SkylakeX says otherwise; the ratios are lowest against AVX-512
  if (blas.length) console.log(`PyTorch's BLAS kernels: ${blas.join(', ')}${process.env.OPENBLAS_CORETYPE ? ` (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE})` : ''}`);
  console.log('\n' + formatTable(rows, options, ceiling));
  const targets = formatTargets(rows, options, ceiling);
  if (targets.length) console.log(`\nWhat the targets need (--target), from this run's rates and FMA ceiling:\n${targets.join('\n')}`);
  console.log("\nOther processes share this machine's CPUs: figures are noisy (see the load average above).");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
