#!/usr/bin/env node
/**
 * Builds the WebAssembly SIMD kernels: src/grok/kernels/wasm/assembly/index.ts -> build/kernels.wasm.
 *
 * Flags, and why:
 *   -O3 (optimizeLevel 3, shrinkLevel 0)  speed over size
 *   --enable simd                          the f32x4 / f64x2 kernels; relaxed-simd is NOT enabled: its
 *                                          FMA and lane-selection semantics may differ between machines
 *   --runtime stub --noAssert              no garbage collector and no abort import: the kernels lay out
 *                                          linear memory themselves and never allocate
 * The build is deterministic: same sources and compiler version, same bytes (checked by compiling twice
 * and comparing, which this script does when run with --check). The bytes' sha256 is the kernels'
 * identity in stage keys (wasmIdentity in src/grok/kernels/wasm/index.ts).
 *
 * Usage: node scripts/build-wasm.mjs [--check] [--text] [--out FILE]
 *   --check       compile twice and fail unless the bytes are identical
 *   --text        also writes the text format next to the binary (build/kernels.wat), for reading the code
 *   --out FILE    write the binary to FILE instead of build/kernels.wasm (the tests use it to compare a
 *                 fresh compilation with the binary the loader would read)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = 'src/grok/kernels/wasm/assembly/index.ts';
const outIndex = process.argv.indexOf('--out');
if (outIndex !== -1 && !process.argv[outIndex + 1]) throw new Error('build-wasm: expected a file name after --out, found nothing');
const outFile = outIndex === -1 ? join(root, 'build', 'kernels.wasm') : resolve(process.argv[outIndex + 1]);
const textFile = outFile.replace(/\.wasm$/, '') + '.wat';

const FLAGS = ['--optimizeLevel', '3', '--shrinkLevel', '0', '--enable', 'simd', '--runtime', 'stub', '--noAssert'];

async function compile(withText) {
  const outputs = {};
  const stderr = [];
  const args = [entry, ...FLAGS, '--outFile', 'kernels.wasm', ...(withText ? ['--textFile', 'kernels.wat'] : [])];
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
const first = await compile(withText);
if (check) {
  const second = await compile(false);
  if (!first.binary.equals(second.binary)) {
    throw new Error('build-wasm: two compilations of the same sources produced different bytes; the build is not deterministic');
  }
}
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, first.binary);
if (withText && first.text) writeFileSync(textFile, first.text);
const sha = createHash('sha256').update(first.binary).digest('hex');
console.log(
  `build-wasm: ${relative(root, outFile)} ${first.binary.length} bytes, sha256 ${sha.slice(0, 16)}` +
    (check ? ' (deterministic: two compilations identical)' : ''),
);
