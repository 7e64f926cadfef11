/**
 * The wasm SIMD ceiling of this machine: the best rate, in GFLOP/s, at which V8 retires separate 128-bit
 * multiplies and adds (bench/assembly/ceiling.ts; no FMA, as in the kernels), float32 (f32x4) and float64
 * (f64x2). The benchmark divides our kernels' rate by it, so its table says how close they come to what
 * deterministic wasm SIMD allows, not only to the hardware peak (which counts 256/512-bit FMA).
 *
 * The module is compiled here with the same compiler and flags as the kernels (it is not part of
 * build/kernels.wasm: a benchmark probe must not change the kernels' identity).
 */
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import type { Precision } from '../src/grok/kernels/contract.ts';

interface CeilingExports {
  pairsOf(variant: number): number;
  ceilingF32(variant: number, iterations: number, c: number): number;
  ceilingF64(variant: number, iterations: number, c: number): number;
}

const SOURCE = 'bench/assembly/ceiling.ts';
const VARIANTS = [0, 1, 2];

export interface SimdCeiling {
  /** Best GFLOP/s over the variants and rounds so far. */
  gflops: Record<Precision, number>;
  /** One more short round of every variant in both precisions; keeps the best. */
  measure(seconds: number): void;
}

export async function createSimdCeiling(): Promise<SimdCeiling> {
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
  const { error } = await asc.main(
    [SOURCE, '--optimizeLevel', '3', '--shrinkLevel', '0', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '--outFile', 'ceiling.wasm'],
    apiOptions,
  );
  if (error || !outputs['ceiling.wasm']) throw new Error(`bench: expected ${SOURCE} to compile, found:\n${stderr.join('')}\n${error?.message ?? ''}`);
  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
  const exports = new wasm.Instance(new wasm.Module(outputs['ceiling.wasm']), {}).exports as CeilingExports;
  const gflops: Record<Precision, number> = { f32: 0, f64: 0 };
  const run = (precision: Precision, variant: number, iterations: number): number => {
    const t0 = performance.now();
    if (precision === 'f32') exports.ceilingF32(variant, iterations, 1);
    else exports.ceilingF64(variant, iterations, 1);
    const seconds = (performance.now() - t0) / 1000;
    const lanes = precision === 'f32' ? 4 : 2;
    return (iterations * exports.pairsOf(variant) * 2 * lanes) / seconds / 1e9;
  };
  // Warm-up: V8 first runs a function in its baseline compiler, the optimized code from later calls on.
  for (const precision of ['f32', 'f64'] as const) for (const v of VARIANTS) for (let i = 0; i < 3; i++) run(precision, v, 1e5);
  return {
    gflops,
    measure(seconds: number): void {
      for (const precision of ['f32', 'f64'] as const) {
        for (const v of VARIANTS) {
          // size a run to about seconds / (2 * variants), from a short probe
          const probe = run(precision, v, 1e5);
          const iterations = Math.max(1e5, Math.round(((probe * 1e9) / (2 * (precision === 'f32' ? 4 : 2) * exports.pairsOf(v))) * (seconds / (2 * VARIANTS.length))));
          gflops[precision] = Math.max(gflops[precision], probe, run(precision, v, iterations));
        }
      }
    },
  };
}
