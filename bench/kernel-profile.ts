/**
 * Where a seed-step's time goes, kernel by kernel: each bench row (bench/kernels.ts) trained on the FMA
 * kernels the study runs (build/kernels-fma.wasm) under V8's sampling profiler, and each wasm function's
 * self time as a share of the step. For the kernels whose arithmetic bench/kernels.ts counts, the rate they
 * reach and its share of this machine's FMA ceiling (bench/simd-ceiling.ts): the GEMM (every matrix product
 * of the MLP; the transformer's but the attention), and the transformer's attention, forward (its own
 * function) and backward (the per-example loop inside trainBlock).
 *
 *   npx tsx bench/kernel-profile.ts [--rows f32:mlp:59,f64:mlp:59,f32:mlp:97,f64:mlp:97,f32:transformer:59,f64:transformer:59] [--seconds 4]
 *
 * Each row runs in a child process (node --cpu-prof) for `seconds` of steps after a warm-up; only samples
 * under measureKernel count. The binary has no name section: the function names come from the text format
 * of a fresh compilation (scripts/build-wasm.mjs --text --out), checked to be the same bytes as the binary
 * profiled. Sampling shares are estimates of time, a few percent apart from run to run; the profiler costs
 * a few percent of speed, which the rates printed here include.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FloatArray, Kernel, ModelKind, Precision } from '../src/grok/kernels/contract.ts';
import { ATTENTION_FLOPS } from './kernels.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
const FMA_BINARY = join(ROOT, 'build', 'kernels-fma.wasm');

interface ChildResult {
  precision: Precision;
  model: ModelKind;
  p: number;
  n: number;
  stepsPerSecond: number;
  flops: number;
  fmaCeiling: number;
}

/** The child: one row, timed under the profiler, then this machine's FMA ceiling; prints one JSON line. */
async function child(precision: Precision, model: ModelKind, p: number, seconds: number): Promise<void> {
  const { createWasmKernel } = await import('../src/grok/kernels/wasm/fma.ts');
  const { makeSplit } = await import('../src/grok/data.ts');
  const { initializeParameters } = await import('../src/grok/models/init.ts');
  const { measureKernel } = await import('./kernels-ts.ts');
  const { factorizedFlops, transformerFlops, FRACTION } = await import('./kernels.ts');
  const { createSimdCeiling } = await import('./simd-ceiling.ts');
  const kernel = createWasmKernel({ model, p, precision }) as unknown as Kernel<Record<string, FloatArray>>;
  initializeParameters(kernel.params, model, p, 0);
  const split = makeSplit(p, 0, FRACTION);
  const speed = measureKernel(kernel, split.train, seconds, 5, 'own');
  const ceiling = await createSimdCeiling();
  ceiling.measure(1);
  const n = split.train.n;
  const result: ChildResult = { precision, model, p, n, stepsPerSecond: speed.stepsPerSecond, flops: model === 'mlp' ? factorizedFlops(n, p) : transformerFlops(n, p), fmaCeiling: ceiling.fmaGflops[precision] };
  console.log(JSON.stringify(result));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (wasm functions by name) over the samples under measureKernel, as shares of their sum. */
function selfShares(profile: CpuProfile, names: string[]): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inStep = new Map<number, boolean>();
  const underStep = (id: number): boolean => {
    if (!inStep.has(id)) {
      const up = parent.get(id);
      inStep.set(id, byId.get(id)!.callFrame.functionName === 'measureKernel' || (up !== undefined && underStep(up)));
    }
    return inStep.get(id)!;
  };
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!underStep(id)) return;
    const frame = byId.get(id)!.callFrame;
    const wasm = frame.functionName.match(/^wasm-function\[(\d+)\]$/);
    // gemm<T> tiles and calls gemmPass<T>: one kernel
    const name = wasm ? (names[Number(wasm[1])] ?? frame.functionName).replace(/^gemm\/gemmPass</, 'gemm/gemm<') : `${frame.functionName || '(anonymous)'} (JavaScript)`;
    self.set(name, (self.get(name) ?? 0) + us);
    total += us;
  });
  return new Map([...self].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, us / total]));
}

/** Function names of build/kernels-fma.wasm in index order, from a fresh compilation's text format. */
function functionNames(scratch: string): string[] {
  const out = join(scratch, 'kernels.wasm');
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-wasm.mjs'), '--text', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`kernel-profile: scripts/build-wasm.mjs failed:\n${build.stderr}`);
  const fresh = readFileSync(join(scratch, 'kernels-fma.wasm'));
  if (!fresh.equals(readFileSync(FMA_BINARY))) throw new Error(`kernel-profile: ${FMA_BINARY} is not what its sources compile to; run npm run build:wasm first`);
  const text = readFileSync(join(scratch, 'kernels-fma.wat'), 'utf8');
  return [...text.matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1]!.replace(/^src\/grok\/kernels\/wasm\/assembly\//, ''));
}

function profileRow(row: string, seconds: number, names: string[], scratch: string): void {
  const [precision, model, p] = row.split(':') as [Precision, ModelKind, string];
  const dir = join(scratch, row.replace(/:/g, '-'));
  const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', TSX, SELF, '--child', row, '--seconds', String(seconds)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kernel-profile: the ${row} child failed (exit ${run.status}):\n${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildResult;
  // tsx's loader thread writes a profile of its own: the step's is the largest
  const file = readdirSync(dir).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const shares = selfShares(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, names);
  const step = 1 / result.stepsPerSecond;
  const attention = model === 'transformer' ? (ATTENTION_FLOPS.forward + ATTENTION_FLOPS.backward) * result.n : 0;
  const counted: Record<string, number> = { [`gemm/gemm<${precision}>`]: result.flops - attention };
  if (model === 'transformer') {
    counted[`transformer/attention<${precision}>`] = ATTENTION_FLOPS.forward * result.n;
    counted[`transformer/trainBlock<${precision}>`] = ATTENTION_FLOPS.backward * result.n;
  }
  const all = (result.flops * result.stepsPerSecond) / 1e9;
  console.log(
    `\n${model} p ${p} ${precision} (n ${result.n}): ${result.stepsPerSecond.toFixed(1)} seed-steps/s under the profiler, ${all.toFixed(1)} GFLOP/s, ` +
      `${((100 * all) / result.fmaCeiling).toFixed(0)}% of this machine's FMA ceiling (${result.fmaCeiling.toFixed(1)} GFLOP/s)`,
  );
  for (const [name, share] of shares) {
    if (share < 0.005) break;
    const flops = counted[name];
    const rate = flops === undefined ? '' : `  ${(flops / (share * step) / 1e9).toFixed(1)} GFLOP/s, ${((100 * flops) / (share * step) / 1e9 / result.fmaCeiling).toFixed(0)}% of the FMA ceiling`;
    const what = name.endsWith('trainBlock<f32>') || name.endsWith('trainBlock<f64>') ? (model === 'transformer' ? ' (the attention backward; its GEMMs are gemm)' : '') : '';
    console.log(`  ${(100 * share).toFixed(1).padStart(5)}%  ${name}${what}${rate}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: 'f32:mlp:59,f64:mlp:59,f32:mlp:97,f64:mlp:97,f32:transformer:59,f64:transformer:59' },
      seconds: { type: 'string', default: '4' },
      child: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  if (values.child) {
    const [precision, model, p] = values.child.split(':') as [Precision, ModelKind, string];
    return child(precision, model, Number(p), seconds);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'grokpipe-kernel-profile-'));
  try {
    const names = functionNames(scratch);
    console.log(`kernel profile of build/kernels-fma.wasm: self time per function as a share of the step, ${seconds} s per row`);
    for (const row of values.rows!.split(',')) profileRow(row, seconds, names, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
