#!/usr/bin/env node
/**
 * Builds the WebAssembly SIMD kernels, two binaries from the same sources in src/grok/kernels/wasm/assembly:
 *   index.ts     -> build/kernels.wasm      --enable simd
 *   index-fma.ts -> build/kernels-fma.wasm  --enable simd,relaxed-simd
 *
 * Flags, and why:
 *   -O3 (optimizeLevel 3, shrinkLevel 0)  speed over size
 *   --enable simd                          the f32x4 / f64x2 kernels. build/kernels.wasm does NOT enable
 *                                          relaxed-simd: whether its multiply-add fuses may differ between
 *                                          machines. build/kernels-fma.wasm does, for one relaxed_madd per
 *                                          multiply-add (assembly/madd.ts chooses by the compile-time
 *                                          constant ASC_FEATURE_RELAXED_SIMD, so the first binary's bytes
 *                                          do not depend on the second build); its loader probes whether
 *                                          the machine fuses and records the answer in its identity
 *                                          (src/grok/kernels/wasm/fma.ts)
 *   --runtime stub --noAssert              no garbage collector and no abort import: the kernels lay out
 *                                          linear memory themselves and never allocate
 * The build is deterministic: same sources and compiler version, same bytes (checked by compiling twice
 * and comparing, which this script does when run with --check, for both binaries). A binary's sha256 is
 * its kernels' identity in stage keys (wasmIdentity in src/grok/kernels/wasm/index.ts and fma.ts).
 *
 * Usage: node scripts/build-wasm.mjs [--check] [--text] [--out FILE]
 *   --check       compile each binary twice and fail unless the bytes are identical
 *   --text        also writes the text format next to each binary (build/kernels.wat,
 *                 build/kernels-fma.wat), for reading the code
 *   --out FILE    write build/kernels.wasm's bytes to FILE and the FMA build's beside it (FILE with -fma
 *                 before .wasm) instead of into build/ (the tests use it to compare a fresh compilation with
 *                 the binaries the loaders would read)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
if (outIndex !== -1 && !process.argv[outIndex + 1]) throw new Error('build-wasm: expected a file name after --out, found nothing');
const outFile = outIndex === -1 ? join(root, 'build', 'kernels.wasm') : resolve(process.argv[outIndex + 1]);
const fmaFile = outFile.replace(/(\.wasm)?$/, '-fma.wasm');

const COMMON = ['--optimizeLevel', '3', '--shrinkLevel', '0', '--runtime', 'stub', '--noAssert'];
const BUILDS = [
  { entry: 'src/grok/kernels/wasm/assembly/index.ts', flags: [...COMMON, '--enable', 'simd'], out: outFile },
  { entry: 'src/grok/kernels/wasm/assembly/index-fma.ts', flags: [...COMMON, '--enable', 'simd,relaxed-simd'], out: fmaFile },
];

async function compile(entry, flags, withText) {
  const outputs = {};
  const stderr = [];
  const args = [entry, ...flags, '--outFile', 'kernels.wasm', ...(withText ? ['--textFile', 'kernels.wat'] : [])];
  const { error } = await asc.main(args, {
    baseDir: root,
    stdout: { write: () => true },
    stderr: { write: (chunk) => (stderr.push(String(chunk)), true) },
    writeFile: (name, contents) => {
      outputs[name] = contents;
    },
  });
  const log = stderr.join('');
  if (error) {
    throw new Error(`build-wasm: the AssemblyScript compiler failed on ${entry}:\n${log}\n${error.message}`);
  }
  if (/WARNING|ERROR/.test(log)) process.stderr.write(log);
  const binary = outputs['kernels.wasm'];
  if (!binary) throw new Error(`build-wasm: expected the compiler to emit kernels.wasm, found ${Object.keys(outputs).join(', ') || 'nothing'}`);
  return { binary: Buffer.from(binary), text: outputs['kernels.wat'] };
}

const check = process.argv.includes('--check');
const withText = process.argv.includes('--text');
for (const { entry, flags, out } of BUILDS) {
  const first = await compile(entry, flags, withText);
  if (check) {
    const second = await compile(entry, flags, false);
    if (!first.binary.equals(second.binary)) {
      throw new Error(`build-wasm: two compilations of ${entry} produced different bytes; the build is not deterministic`);
    }
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, first.binary);
  if (withText && first.text) writeFileSync(out.replace(/\.wasm$/, '') + '.wat', first.text);
  const sha = createHash('sha256').update(first.binary).digest('hex');
  console.log(
    `build-wasm: ${relative(root, out)} ${first.binary.length} bytes, sha256 ${sha.slice(0, 16)}` +
      (check ? ' (deterministic: two compilations identical)' : ''),
  );
}
