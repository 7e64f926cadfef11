/**
 * The WebAssembly kernels' build: deterministic, build/kernels.wasm SIMD without relaxed SIMD and
 * build/kernels-fma.wasm with it, and each binary a loader reads is the one the sources compile to (so
 * the other wasm tests never pass on a stale build).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_FMA_KERNELS_PATH } from '../../src/grok/kernels/wasm/fma.ts';
import { WASM_KERNELS_PATH, wasmIdentity } from '../../src/grok/kernels/wasm/index.ts';

// The project's TypeScript libs do not declare the WebAssembly namespace: type the two calls used here.
interface ModuleApi {
  new (bytes: Uint8Array): object;
  imports(module: object): Array<{ module: string; name: string }>;
  exports(module: object): Array<{ name: string; kind: string }>;
}
const Wasm = (globalThis as unknown as { WebAssembly: { Module: ModuleApi } }).WebAssembly;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'grokpipe-wasm-build-'));
const fresh = join(scratch, 'kernels.wasm');
const freshFma = join(scratch, 'kernels-fma.wasm');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  // --check compiles twice and fails unless both compilations give the same bytes
  execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check', '--text', '--out', fresh], { cwd: repoRoot, stdio: 'pipe' });
});

describe('the wasm build', () => {
  it('is deterministic, and build/kernels.wasm is what the sources compile to', () => {
    expect(existsSync(WASM_KERNELS_PATH), `${WASM_KERNELS_PATH} is missing: run \`npm run build:wasm\``).toBe(true);
    const built = readFileSync(WASM_KERNELS_PATH);
    expect(built.equals(readFileSync(fresh)), `${WASM_KERNELS_PATH} is stale: run \`npm run build:wasm\``).toBe(true);
  });

  it('is SIMD code without relaxed SIMD, imports nothing, and has no runtime allocator exports', () => {
    const text = readFileSync(join(scratch, 'kernels.wat'), 'utf8');
    expect(text).toMatch(/f32x4\.mul/);
    expect(text).toMatch(/f64x2\.mul/);
    expect(text).not.toMatch(/relaxed|madd/);
    const module = new Wasm.Module(readFileSync(fresh));
    expect(Wasm.Module.imports(module)).toEqual([]);
    const exports = Wasm.Module.exports(module).map((e) => e.name);
    expect(exports).toContain('mlpF32Train');
    expect(exports).toContain('mlpF64Train');
    expect(exports.filter((name) => name.startsWith('__'))).toEqual([]);
  });

  it('builds build/kernels-fma.wasm from the same sources with relaxed_madd, and it is what the sources compile to', () => {
    expect(existsSync(WASM_FMA_KERNELS_PATH), `${WASM_FMA_KERNELS_PATH} is missing: run \`npm run build:wasm\``).toBe(true);
    expect(readFileSync(WASM_FMA_KERNELS_PATH).equals(readFileSync(freshFma)), `${WASM_FMA_KERNELS_PATH} is stale: run \`npm run build:wasm\``).toBe(true);
    const text = readFileSync(join(scratch, 'kernels-fma.wat'), 'utf8');
    expect(text).toMatch(/f32x4\.relaxed_madd/);
    expect(text).toMatch(/f64x2\.relaxed_madd/);
    // every export of build/kernels.wasm, plus the multiply-add probes
    const exports = (file: string) => readFileSync(file, 'utf8').match(/\(export "[^"]+"/g) ?? [];
    const plain = exports(join(scratch, 'kernels.wat'));
    expect(plain.length).toBeGreaterThan(20);
    expect(exports(join(scratch, 'kernels-fma.wat')).sort()).toEqual(
      [...plain, '(export "probeMultiplyAddF32"', '(export "probeMultiplyAddF64"'].sort(),
    );
    expect(text).not.toMatch(/\(import /);
  });

  it('says to run `npm run build:wasm` when the binary is missing', async () => {
    // the loader in a copy of the source tree that has no build/ folder
    const tree = copyOfKernelSources(join(scratch, 'tree'));
    const loader = (await import(join(tree, 'src/grok/kernels/wasm/index.ts'))) as typeof import('../../src/grok/kernels/wasm/index.ts');
    expect(() => loader.createWasmKernel({ model: 'mlp', p: 7, precision: 'f32' })).toThrow(/found no file.*npm run build:wasm/);
    expect(() => loader.wasmIdentity()).toThrow(/npm run build:wasm/);
  });

  it('says to run `npm run build:wasm` when the FMA binary is missing', async () => {
    const tree = copyOfKernelSources(join(scratch, 'tree-fma'));
    const loader = (await import(join(tree, 'src/grok/kernels/wasm/fma.ts'))) as typeof import('../../src/grok/kernels/wasm/fma.ts');
    expect(() => loader.createWasmKernel({ model: 'mlp', p: 7, precision: 'f32' })).toThrow(/kernels-fma\.wasm, found no file.*npm run build:wasm/);
    expect(() => loader.wasmIdentity()).toThrow(/npm run build:wasm/);
  });

  it('names the binary by its hash in the identity', () => {
    const sha = createHash('sha256').update(readFileSync(WASM_KERNELS_PATH)).digest('hex');
    expect(wasmIdentity()).toBe(`kernels-wasm/${sha.slice(0, 16)}`);
  });
});

/** The kernels' TypeScript (src/grok/kernels, its wasm loaders) in a tree of its own, with no build/ folder. */
function copyOfKernelSources(tree: string): string {
  for (const folder of ['src/grok/kernels', 'src/grok/kernels/wasm']) {
    mkdirSync(join(tree, folder), { recursive: true });
    for (const file of readdirSync(join(repoRoot, folder))) {
      if (file.endsWith('.ts')) copyFileSync(join(repoRoot, folder, file), join(tree, folder, file));
    }
  }
  return tree;
}
