#!/usr/bin/env node
/**
 * Compiles src/ to dist/: one JavaScript file per TypeScript file, at the same depth (src/engine/x.ts ->
 * dist/engine/x.js), so that paths the code takes relative to its own file (new URL('../../build/
 * kernels.wasm', import.meta.url), ../../pipeline.schema.json) lead to the same files from either tree.
 * Then the declarations (.d.ts) of the public entry src/index.ts, for study authors' editors and tsc.
 *
 * Why esbuild for the JavaScript: it already ships with tsx (the same transformer that runs the .ts
 * sources, so dist/ behaves as src/ does), and it compiles the whole tree in well under a second where
 * tsc takes many. It strips types and does not check them; `npm run typecheck` does that.
 * Why tsc for the declarations: only the TypeScript compiler writes .d.ts files.
 *
 * Each file is its own entry point with every import left external (no bundling): dynamic imports of the
 * CLI verbs stay lazy, and module state is not duplicated. Relative `.ts` specifiers become `.js`.
 *
 * Usage: node scripts/build-dist.mjs [--no-types] [--out DIR]
 *   --no-types   JavaScript only
 *   --out DIR    build into DIR instead of dist/ (test/package builds a package of its own there, so
 *                that it never rewrites the dist/ that other tests' processes run from)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const outIndex = process.argv.indexOf('--out');
if (outIndex !== -1 && !process.argv[outIndex + 1]) throw new Error('build-dist: expected a folder after --out, found nothing');
const dist = outIndex === -1 ? join(root, 'dist') : resolve(process.argv[outIndex + 1]);
/** AssemblyScript, compiled to build/kernels.wasm by build-wasm.mjs, not JavaScript. */
const NOT_JAVASCRIPT = [join('grok', 'kernels', 'wasm', 'assembly')];
/** Marks a complete build; bin/grokpipe.js compares its time with the sources'. */
const STAMP = '.built';

function sources(dir, out = { ts: [], copy: [] }) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!NOT_JAVASCRIPT.includes(relative(src, p))) sources(p, out);
    } else if (/\.(m|c)?ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.ts.push(p);
    else if (/\.(m|c)?js$/.test(e.name)) out.copy.push(p);
  }
  return out;
}

function declarations(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) declarations(p, out);
    else if (e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const externalAll = {
  name: 'external-all',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relativeTs = /^\.\.?\//.test(args.path) && /\.(m|c)?ts$/.test(args.path);
      return { path: relativeTs ? args.path.replace(/ts$/, 'js') : args.path, external: true };
    });
  },
};

const { ts, copy } = sources(src);
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: ts,
  outbase: src,
  outdir: dist,
  outExtension: { '.js': '.js' },
  bundle: true,
  plugins: [externalAll],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
for (const f of copy) {
  const to = join(dist, relative(src, f));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(f, to);
}

// The pipeline schema's validator, compiled ahead of time so that no command loads ajv's compiler for it
// (src/engine/pipeline/compiled-validator.ts; the name is the hash of schema, options and ajv version). The code
// that writes it is bundled from src/ into node_modules/.cache, where this repository's packages resolve
// (a build with --out lands outside it).
{
  // Named by this process: builds into other folders (tests) may run at the same time.
  const generator = join(root, 'node_modules', '.cache', 'grokpipe-build', `store-validator.${process.pid}.mjs`);
  await build({
    stdin: {
      contents: "export { storeValidator } from './src/engine/pipeline/compiled-validator.ts'; export { PIPELINE_VALIDATOR_OPTIONS } from './src/engine/pipeline/pipeline-schema.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: generator,
    logLevel: 'warning',
  });
  const { storeValidator, PIPELINE_VALIDATOR_OPTIONS } = await import(pathToFileURL(generator).href);
  rmSync(generator, { force: true });
  const schema = JSON.parse(readFileSync(join(root, 'pipeline.schema.json'), 'utf8'));
  storeValidator(join(dist, 'engine', 'pipeline', 'validators'), schema, PIPELINE_VALIDATOR_OPTIONS);
}

if (!process.argv.includes('--no-types')) {
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', dist], { cwd: root, stdio: 'inherit' });
  // tsc keeps the sources' `./x.ts` specifiers in the declarations; beside dist/x.js they must say x.js.
  for (const d of declarations(dist)) {
    const text = readFileSync(d, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.\.?\/[^'"]+)\.(m|c)?ts\2/g, (_, lead, q, path, mc) => `${lead}${q}${path}.${mc ?? ''}js${q}`);
    if (fixed !== text) writeFileSync(d, fixed);
  }
}
writeFileSync(join(dist, STAMP), `${new Date().toISOString()}\n`);
