/**
 * The tfjs engine as a Kernel: backend detection and identity, lazy loading, the loss it reports, live
 * parameter views, batch handling, determinism, and no tensor leak over many steps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FloatArray, Kernel, ModelKind, PairBatch } from '../../src/grok/kernels/contract.ts';
import { createTfjsKernel, loadTfjs, tfjsIdentity } from '../../src/grok/kernels/tfjs/index.ts';
import { initializeParameters } from '../../src/grok/models/init.ts';
import { allPairs, makeSplit } from '../../src/grok/data.ts';

type AnyKernel = Kernel<Record<string, FloatArray>> & { dispose(): void };

async function kernelAt(model: ModelKind, p: number, seed: number): Promise<AnyKernel> {
  const kernel = (await createTfjsKernel({ model, p, precision: 'f32' })) as unknown as AnyKernel;
  initializeParameters(kernel.params, model, p, seed);
  return kernel;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const indexModule = fileURLToPath(new URL('../../src/grok/kernels/tfjs/index.ts', import.meta.url));

describe('creating a tfjs kernel', () => {
  it('refuses float64 with an error that says why and what to use instead', async () => {
    const attempt = createTfjsKernel({ model: 'mlp', p: 7, precision: 'f64' });
    await expect(attempt).rejects.toThrow(/float64/);
    await expect(attempt).rejects.toThrow(/engine "ts" or "wasm"/);
  });

  it('rejects a bad modulus and an unknown model', async () => {
    await expect(createTfjsKernel({ model: 'mlp', p: 1.5, precision: 'f32' })).rejects.toThrow(/integer >= 2, found 1.5/);
    await expect(createTfjsKernel({ model: 'cnn' as ModelKind, p: 7, precision: 'f32' })).rejects.toThrow(/"cnn"/);
  });

  it('has the contract shape: tensors in spec order, float32, classes p and p + 1', async () => {
    const mlp = await kernelAt('mlp', 7, 1);
    expect(Object.keys(mlp.params)).toEqual(['E', 'W1', 'b1', 'W2', 'b2']);
    expect([mlp.params.E.length, mlp.params.W1.length, mlp.params.W2.length]).toEqual([7 * 128, 256 * 256, 256 * 7]);
    expect(mlp.params.E).toBeInstanceOf(Float32Array);
    expect([mlp.classes, mlp.precision, mlp.model, mlp.p]).toEqual([7, 'f32', 'mlp', 7]);
    const transformer = await kernelAt('transformer', 7, 1);
    expect(Object.keys(transformer.grads)).toEqual(['E', 'P', 'Wq', 'Wk', 'Wv', 'Wo', 'Win', 'Wout', 'U']);
    expect([transformer.params.E.length, transformer.params.U.length]).toEqual([8 * 128, 128 * 8]);
    expect(transformer.classes).toBe(8);
  });
});

describe('backend and identity', () => {
  it('identity names the tfjs version and the backend tfjs actually runs', async () => {
    const runtime = await loadTfjs();
    const identity = await tfjsIdentity();
    expect(identity).toBe(`tfjs/${runtime.tf.version_core}/${runtime.tf.getBackend()}`);
    expect(identity).toMatch(/^tfjs\/\d+\.\d+\.\d+\/(wasm|tensorflow)$/);
    expect((await kernelAt('mlp', 5, 1)).identity).toBe(identity);
  });

  it('uses tfjs-node exactly when it loads in this environment, else wasm, and says why', async () => {
    // Ask a fresh Node process whether tfjs-node loads: the ground truth the detection must agree with.
    const probe = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: repoRoot, encoding: 'utf8' });
    const runtime = await loadTfjs();
    if (probe.status === 0) {
      expect(runtime.backend).toBe('tensorflow');
      expect(runtime.tensorflowSkipped).toBe('');
    } else {
      expect(runtime.backend).toBe('wasm');
      expect(runtime.tensorflowSkipped).toMatch(/@tensorflow\/tfjs-node (is not installed|is installed but|failed to load)/);
    }
    expect(runtime.tf.getBackend()).toBe(runtime.backend);
  });

  it('importing the engine loads no tfjs; creating a kernel does, and leaves process error handling alone', () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('@tensorflow')).length;
      const handlers = () => process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
      const engine = await import(${JSON.stringify(indexModule)});
      const before = { modules: loaded(), handlers: handlers() };
      await engine.createTfjsKernel({ model: 'mlp', p: 5, precision: 'f32' });
      console.log(JSON.stringify({ before, after: { modules: loaded(), handlers: handlers() } }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const { before, after } = JSON.parse(out.trim().split('\n').pop()!);
    expect(before.modules).toBe(0);
    expect(after.modules).toBeGreaterThan(0);
    // The wasm backend's Emscripten runtime installs rethrowing handlers; the engine removes them.
    expect(after.handlers).toBe(before.handlers);
  });
});

/** The contract's loss computed in double from the kernel's own logits. */
function lossFromLogits(z: Float64Array, batch: PairBatch, classes: number, loss: 'ce' | 'mse', tau: number): number {
  let total = 0;
  for (let i = 0; i < batch.n; i++) {
    const row = Array.from(z.subarray(i * classes, (i + 1) * classes), (v) => v / tau);
    if (loss === 'ce') {
      const max = Math.max(...row);
      const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      total += logSum - row[batch.y[i]];
    } else {
      total += row.reduce((s, v, k) => s + (v - (k === batch.y[i] ? 1 : 0)) ** 2, 0);
    }
  }
  return total / batch.n;
}

describe('the loss and logits', () => {
  for (const model of ['mlp', 'transformer'] as const) {
    it(`${model}: lossAndGrad reports the contract's CE and MSE of its own logits / tau`, async () => {
      const p = 11;
      const kernel = await kernelAt(model, p, 2);
      const batch = makeSplit(p, 2, 0.4).train;
      const z = new Float64Array(batch.n * kernel.classes);
      kernel.logits(batch, z);
      for (const [loss, tau] of [['ce', 1], ['ce', 1.7], ['mse', 1.3]] as const) {
        const expected = lossFromLogits(z, batch, kernel.classes, loss, tau);
        expect(Math.abs(kernel.lossAndGrad(batch, loss, tau) - expected) / expected).toBeLessThan(2e-6);
      }
    });
  }

  it('sees in-place parameter updates (the views are live): a zero readout gives CE ln p and MSE 1', async () => {
    const p = 13;
    const kernel = await kernelAt('mlp', p, 4);
    const batch = makeSplit(p, 4, 0.4).train;
    expect(Math.abs(kernel.lossAndGrad(batch, 'ce', 1) - Math.log(p))).toBeGreaterThan(1e-3);
    kernel.params.W2.fill(0);
    kernel.params.b2.fill(0);
    // float32: log and the mean over n examples round a few ulps.
    expect(kernel.lossAndGrad(batch, 'ce', 1.3)).toBeCloseTo(Math.log(p), 5);
    expect(kernel.lossAndGrad(batch, 'mse', 1.3)).toBeCloseTo(1, 6);
    // With every logit 0 the CE gradient of b2 is softmax - onehot averaged: 1/p - (share of class k).
    const share = new Float64Array(p);
    for (let i = 0; i < batch.n; i++) share[batch.y[i]] += 1 / batch.n;
    kernel.lossAndGrad(batch, 'ce', 1);
    for (let k = 0; k < p; k++) expect(kernel.grads.b2[k]).toBeCloseTo(1 / p - share[k], 6);
  });

  it('recognises a batch by content: refilling the same object in place gives the new batch’s results', async () => {
    const p = 11;
    const kernel = await kernelAt('mlp', p, 6);
    const { train, test } = makeSplit(p, 6, 0.4);
    const reference = await kernelAt('mlp', p, 6);
    const testLoss = reference.lossAndGrad(test, 'ce', 1);
    const n = train.n;
    const reused: PairBatch = { n, a: train.a.slice(), b: train.b.slice(), y: train.y.slice() };
    const trainLoss = kernel.lossAndGrad(reused, 'ce', 1);
    expect(trainLoss).not.toBe(testLoss);
    // Same object, same length, different pairs: the first n test pairs.
    reused.a.set(test.a.subarray(0, n));
    reused.b.set(test.b.subarray(0, n));
    reused.y.set(test.y.subarray(0, n));
    const firstN: PairBatch = { n, a: test.a.slice(0, n), b: test.b.slice(0, n), y: test.y.slice(0, n) };
    expect(kernel.lossAndGrad(reused, 'ce', 1)).toBe(reference.lossAndGrad(firstN, 'ce', 1));
  });

  it('rejects tokens outside 0..p-1 and a short output array, naming what was wrong', async () => {
    const kernel = await kernelAt('mlp', 7, 1);
    const bad: PairBatch = { n: 2, a: Int32Array.of(1, 7), b: Int32Array.of(0, 0), y: Int32Array.of(1, 0) };
    expect(() => kernel.lossAndGrad(bad, 'ce', 1)).toThrow(/batch\.a\[1\] in 0\.\.6, found 7/);
    const good = makeSplit(7, 1, 0.4).train;
    expect(() => kernel.logits(good, new Float32Array(good.n * 7 - 1))).toThrow(/at least n x classes/);
    expect(() => kernel.lossAndGrad(good, 'ce', 0)).toThrow(/tau > 0, found 0/);
  });

  it('is deterministic: the same weights give bit-identical losses and gradients, call to call and process to process', async () => {
    const p = 11;
    const batch = makeSplit(p, 8, 0.4).train;
    const first = await kernelAt('transformer', p, 8);
    const second = await kernelAt('transformer', p, 8);
    const lossA = first.lossAndGrad(batch, 'ce', 1.3);
    const gradsA = Object.values(first.grads).map((g) => Float32Array.from(g));
    expect(first.lossAndGrad(batch, 'ce', 1.3)).toBe(lossA);
    expect(second.lossAndGrad(batch, 'ce', 1.3)).toBe(lossA);
    expect(Object.values(second.grads)).toEqual(gradsA);

    // A fresh process (fresh wasm memory, different allocation history) gives the same bits.
    const digest = (loss: number, grads: Float32Array[]) =>
      createHash('sha256').update(Float64Array.of(loss)).update(Buffer.concat(grads.map((g) => Buffer.from(g.buffer, g.byteOffset, g.byteLength)))).digest('hex');
    const script = `
      import { createHash } from 'node:crypto';
      const { createTfjsKernel } = await import(${JSON.stringify(indexModule)});
      const { initializeParameters } = await import(${JSON.stringify(fileURLToPath(new URL('../../src/grok/models/init.ts', import.meta.url)))});
      const { makeSplit } = await import(${JSON.stringify(fileURLToPath(new URL('../../src/grok/data.ts', import.meta.url)))});
      const kernel = await createTfjsKernel({ model: 'transformer', p: ${p}, precision: 'f32' });
      initializeParameters(kernel.params, 'transformer', ${p}, 8);
      const loss = kernel.lossAndGrad(makeSplit(${p}, 8, 0.4).train, 'ce', 1.3);
      const grads = Object.values(kernel.grads);
      console.log(createHash('sha256').update(Float64Array.of(loss)).update(Buffer.concat(grads.map((g) => Buffer.from(g.buffer, g.byteOffset, g.byteLength)))).digest('hex'));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    expect(out.trim().split('\n').pop()).toBe(digest(lossA, gradsA));
  });
});

describe('memory', () => {
  it('holds no tensor per step: numTensors and bytes stay flat over many steps, and dispose frees the rest', async () => {
    const { tf } = await loadTfjs();
    const p = 11;
    const baseline = tf.memory().numTensors;
    const mlp = await kernelAt('mlp', p, 3);
    const transformer = await kernelAt('transformer', p, 3);
    const { train, test } = makeSplit(p, 3, 0.4);
    const all = allPairs(p);
    const z = new Float32Array(all.n * (p + 1));
    const round = () => {
      mlp.lossAndGrad(train, 'ce', 1.3);
      mlp.lossAndGrad(train, 'mse', 1);
      mlp.logits(test, z);
      mlp.logits(all, z);
      transformer.lossAndGrad(train, 'ce', 1);
      transformer.logits(all, z);
    };
    round(); // uploads the three batches of each kernel once
    const warm = tf.memory();
    for (let i = 0; i < 20; i++) round(); // 120 calls on 3 batches; one leaked tensor per call would show
    const tiny = await kernelAt('mlp', 5, 3);
    const tinyBatch = makeSplit(5, 3, 0.4).train;
    tiny.lossAndGrad(tinyBatch, 'ce', 1);
    const tinyWarm = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) tiny.lossAndGrad(tinyBatch, 'ce', 1.3); // a thousand steps, cheaply
    expect(tf.memory().numTensors).toBe(tinyWarm);
    tiny.dispose();
    const after = tf.memory();
    expect(after.numTensors).toBe(warm.numTensors);
    expect(after.numBytes).toBe(warm.numBytes);
    // Cached batches only: (3 for the MLP + 2 for the transformer) x (2 token columns, one-hot targets).
    expect(warm.numTensors - baseline).toBe((3 + 2) * 3);
    mlp.dispose();
    transformer.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
