/**
 * The fused multiply-add kernels (build/kernels-fma.wasm, src/grok/kernels/wasm/fma.ts): the probe of the
 * multiply-add semantics and its place in the identity, on this machine and on one that does not fuse.
 * Their agreement with the readable ts engine runs in wasm-kernel.test.ts, wasm-transformer.test.ts and
 * wasm-math.test.ts, beside build/kernels.wasm's, with the same tolerances.
 *
 * A machine without FMA is V8 told not to use FMA3 (`--no-enable-fma3`): relaxed_madd then compiles to a
 * multiply and an add, in the baseline compiler (Liftoff) and the optimizing one (TurboFan) alike.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { multiplyAddSemantics, WASM_FMA_KERNELS_PATH, wasmIdentity } from '../../src/grok/kernels/wasm/fma.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// In a fresh process under the given V8 flags: the FMA kernels' identity and the probe's answers, and the
// sha256 of each model's gradients (p 23, seed 9, CE, tau 1.3) from each build, f32 and f64.
const SCRIPT = `
import { createHash } from 'node:crypto';
import * as fma from './src/grok/kernels/wasm/fma.ts';
import * as plain from './src/grok/kernels/wasm/index.ts';
import { makeSplit } from './src/grok/data.ts';
import { initializeParameters } from './src/grok/models/init.ts';
const p = 23;
const batch = makeSplit(p, 9, 0.4).train;
const gradients = (create, model, precision) => {
  const kernel = create({ model, p, precision });
  initializeParameters(kernel.params, model, p, 9);
  kernel.lossAndGrad(batch, 'ce', 1.3);
  const h = createHash('sha256');
  for (const name of Object.keys(kernel.grads).sort()) h.update(new Uint8Array(kernel.grads[name].buffer, kernel.grads[name].byteOffset, kernel.grads[name].byteLength));
  return h.digest('hex');
};
const out = { identity: fma.wasmIdentity(), semantics: fma.multiplyAddSemantics() };
for (const model of ['mlp', 'transformer']) {
  for (const precision of ['f32', 'f64']) {
    out[model + ' fma ' + precision] = gradients(fma.createWasmKernel, model, precision);
    out[model + ' plain ' + precision] = gradients(plain.createWasmKernel, model, precision);
  }
}
console.log(JSON.stringify(out));
`;

interface Run {
  identity: string;
  semantics: { f32: string; f64: string };
  [hash: string]: unknown;
}

function runUnder(v8Flags: string[]): Run {
  const out = execFileSync(process.execPath, [...v8Flags, '--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

const sha = createHash('sha256').update(readFileSync(WASM_FMA_KERNELS_PATH)).digest('hex').slice(0, 16);
const thisMachine = multiplyAddSemantics();
const MODELS = ['mlp', 'transformer'] as const;

describe('the multiply-add probe of the FMA kernels', () => {
  it('names the binary and the probe answer in the identity', () => {
    expect(['fused', 'unfused']).toContain(thisMachine.f32);
    expect(thisMachine.f64).toBe(thisMachine.f32);
    expect(wasmIdentity()).toBe(`kernels-wasm-fma/${sha}/${thisMachine.f32}`);
  });

  it('answers unfused where V8 may not use FMA3, in both compilers, and the identity then differs', () => {
    const unfused = [runUnder(['--no-enable-fma3']), runUnder(['--no-enable-fma3', '--no-liftoff']), runUnder(['--no-enable-fma3', '--liftoff', '--no-wasm-tier-up'])];
    for (const run of unfused) {
      expect(run.semantics).toEqual({ f32: 'unfused', f64: 'unfused' });
      expect(run.identity).toBe(`kernels-wasm-fma/${sha}/unfused`);
      // unfused, both models' multiply-adds are build/kernels.wasm's multiply then add, in the same order:
      // the same bits (the probe's answer describes what the kernels do)
      for (const model of MODELS) {
        expect(run[`${model} fma f32`], model).toBe(run[`${model} plain f32`]);
        expect(run[`${model} fma f64`], model).toBe(run[`${model} plain f64`]);
      }
    }
    for (const model of MODELS) expect(unfused[1][`${model} fma f32`], model).toBe(unfused[0][`${model} fma f32`]);
  });

  it.runIf(thisMachine.f32 === 'fused')('answers fused on this machine (which has FMA), and fused kernels give other bits than kernels.wasm', () => {
    const fused = runUnder([]);
    expect(fused.semantics).toEqual({ f32: 'fused', f64: 'fused' });
    expect(fused.identity).toBe(`kernels-wasm-fma/${sha}/fused`);
    expect(fused.identity).not.toBe(runUnder(['--no-enable-fma3']).identity);
    const optimizingOnly = runUnder(['--no-liftoff']);
    for (const model of MODELS) {
      expect(fused[`${model} fma f32`], model).not.toBe(fused[`${model} plain f32`]);
      expect(fused[`${model} fma f64`], model).not.toBe(fused[`${model} plain f64`]);
      // the optimizing compiler alone fuses too: the same bits as a run that starts in the baseline compiler
      expect(optimizingOnly[`${model} fma f32`], model).toBe(fused[`${model} fma f32`]);
    }
  });
});
