/**
 * The wasm SIMD ceilings of this machine: the best rate, in GFLOP/s, at which V8 retires separate 128-bit
 * multiplies and adds (bench/assembly/ceiling.ts; no FMA, as in build/kernels.wasm), and the best rate of
 * relaxed_madd (the same source built with relaxed SIMD, as build/kernels-fma.wasm; a fused multiply-add
 * where the CPU has one), float32 (f32x4) and float64 (f64x2). The benchmark divides our kernels' rates by
 * them, so its table says how close they come to what deterministic wasm SIMD allows, not only to the
 * hardware peak (which counts 256/512-bit FMA).
 *
 * The modules are compiled here with the same compiler and flags as the kernels (they are not part of
 * the kernels' binaries: a benchmark probe must not change the kernels' identity).
 */
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import type { Precision } from '../src/grok/kernels/contract.ts';
import { compileRelaxedSimd } from '../src/grok/kernels/wasm/fma.ts';
import { WebAssemblyApi } from '../src/grok/kernels/wasm/web-assembly.ts';

interface CeilingExports {
  pairsOf(variant: number): number;
  ceilingF32(variant: number, iterations: number, c: number): number;
  ceilingF64(variant: number, iterations: number, c: number): number;
}

const SOURCE = 'bench/assembly/ceiling.ts';
/** Separate multiply and add: three register shapes (ceiling.ts variants 0..2). */
const VARIANTS = [0, 1, 2];
/** relaxed_madd: the gemm tile's shape and twelve independent chains (variants 3 and 4). */
const FMA_VARIANTS = [3, 4];

export interface SimdCeiling {
  /** Best GFLOP/s of a separate multiply and add over the variants and rounds so far. */
  gflops: Record<Precision, number>;
  /** Best GFLOP/s of relaxed_madd (2 FLOPs each) over the variants and rounds so far. */
  fmaGflops: Record<Precision, number>;
  /** One more short round of every variant in both precisions, both builds; keeps the best. */
  measure(seconds: number): void;
}

async function compile(relaxed: boolean): Promise<CeilingExports> {
  const outputs: Record<string, Uint8Array> = {};
  const stderr: string[] = [];
  // baseDir (the repository root, so the bench runs from any folder) is an option asc.main reads but its
  // typings omit: the object is built first, then passed
  const apiOptions = {
    baseDir: fileURLToPath(new URL('..', import.meta.url)),
    stdout: { write: () => true },
    stderr: { write: (chunk: unknown) => (stderr.push(String(chunk)), true) },
    writeFile: (name: string, contents: string | Uint8Array) => {
      if (typeof contents === 'string') return;
      outputs[name] = contents;
    },
  };
  const features = relaxed ? 'simd,relaxed-simd' : 'simd';
  const { error } = await asc.main(
    [SOURCE, '--optimizeLevel', '3', '--shrinkLevel', '0', '--enable', features, '--runtime', 'stub', '--noAssert', '--outFile', 'ceiling.wasm'],
    apiOptions,
  );
  if (error || !outputs['ceiling.wasm']) throw new Error(`bench: expected ${SOURCE} to compile, found:\n${stderr.join('')}\n${error?.message ?? ''}`);
  const module = relaxed ? compileRelaxedSimd(outputs['ceiling.wasm'], SOURCE) : new WebAssemblyApi.Module(outputs['ceiling.wasm']);
  return new WebAssemblyApi.Instance(module, {}).exports as CeilingExports;
}

export async function createSimdCeiling(): Promise<SimdCeiling> {
  const plain = await compile(false);
  const fused = await compile(true);
  const gflops: Record<Precision, number> = { f32: 0, f64: 0 };
  const fmaGflops: Record<Precision, number> = { f32: 0, f64: 0 };
  const run = (exports: CeilingExports, precision: Precision, variant: number, iterations: number): number => {
    const t0 = performance.now();
    if (precision === 'f32') exports.ceilingF32(variant, iterations, 1);
    else exports.ceilingF64(variant, iterations, 1);
    const seconds = (performance.now() - t0) / 1000;
    const lanes = precision === 'f32' ? 4 : 2;
    return (iterations * exports.pairsOf(variant) * 2 * lanes) / seconds / 1e9;
  };
  const builds = [
    { exports: plain, variants: VARIANTS, best: gflops },
    { exports: fused, variants: FMA_VARIANTS, best: fmaGflops },
  ];
  // Warm-up: V8 first runs a function in its baseline compiler, the optimized code from later calls on.
  for (const { exports, variants } of builds) {
    for (const precision of ['f32', 'f64'] as const) for (const v of variants) for (let i = 0; i < 3; i++) run(exports, precision, v, 1e5);
  }
  return {
    gflops,
    fmaGflops,
    measure(seconds: number): void {
      for (const { exports, variants, best } of builds) {
        for (const precision of ['f32', 'f64'] as const) {
          for (const v of variants) {
            // size a run to about seconds / (4 * variants), from a short probe
            const probe = run(exports, precision, v, 1e5);
            const iterations = Math.max(1e5, Math.round(((probe * 1e9) / (2 * (precision === 'f32' ? 4 : 2) * exports.pairsOf(v))) * (seconds / (4 * variants.length))));
            best[precision] = Math.max(best[precision], probe, run(exports, precision, v, iterations));
          }
        }
      }
    },
  };
}
