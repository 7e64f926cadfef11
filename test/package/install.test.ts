/**
 * grokpipe as a study author gets it: `npm pack` of this repository, installed into an empty folder,
 * a one-stage TypeScript study written there, `npx grokpipe repro` run, and the stage types imported
 * (type-checked by tsc against the installed declarations, and the runtime entry imported by Node).
 *
 * The package is built into a folder of its own (scripts/build-dist.mjs --out), never into this
 * repository's dist/, which other tests' processes may be running from at the same time.
 * Installation is offline when npm's cache holds every package's metadata; otherwise npm may ask the
 * registry for metadata and nothing else (--ignore-scripts: no install script downloads anything).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const tmp = mkdtempSync(join(tmpdir(), 'grokpipe-package-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function npm(cwd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const STAGE = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageContext, StageDefinition } from 'grokpipe';

interface Params { greeting: string; times: number }

const hello: StageDefinition<Params> = {
  params: { type: 'object', properties: { greeting: { type: 'string' }, times: { type: 'integer' } }, required: ['greeting', 'times'] },
  async run(ctx: StageContext<Params>) {
    const lines = Array.from({ length: ctx.params.times }, (_, i) => \`\${ctx.params.greeting} \${i + 1}\`);
    await writeFile(join(ctx.outDir, 'hello.txt'), lines.join('\\n') + '\\n');
  },
};
export default hello;
`;

test('the npm pack tarball installs into an empty folder and runs a one-stage TypeScript study', () => {
  // 1. The package, as `npm pack` makes it from a fresh build.
  const pkg = join(tmp, 'package');
  for (const f of ['package.json', 'README.md', 'pipeline.schema.json', 'docs/pipeline.md', 'docs/json.md', 'bin/grokpipe.js', 'build/kernels.wasm']) {
    mkdirSync(dirname(join(pkg, f)), { recursive: true });
    copyFileSync(join(PROJECT, f), join(pkg, f));
  }
  execFileSync(process.execPath, [join(PROJECT, 'scripts', 'build-dist.mjs'), '--out', join(pkg, 'dist')], { cwd: PROJECT, stdio: 'pipe' });
  const pack = npm(pkg, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp]);
  expect(pack.code, pack.out).toBe(0);
  const packed = JSON.parse(pack.out.slice(pack.out.indexOf('['), pack.out.lastIndexOf(']') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['bin/grokpipe.js', 'dist/cli/main.js', 'dist/engine/run/worker.js', 'dist/index.js', 'dist/index.d.ts', 'dist/engine/stage.d.ts', 'build/kernels.wasm', 'pipeline.schema.json', 'README.md', 'docs/pipeline.md', 'docs/json.md']));
  expect(files.filter((f) => /^(src|test|stages|bench|artifacts)\//.test(f) || f === 'grokpipe.lock')).toEqual([]);

  // 2. An empty study folder; grokpipe installed from the tarball.
  const study = join(tmp, 'study');
  write(join(study, 'package.json'), '{ "name": "hello-study", "private": true, "type": "module" }\n');
  const tarball = join(tmp, packed[0]!.filename);
  const common = ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball];
  let install = npm(study, [...common, '--offline']);
  if (install.code !== 0 && /ENOTCACHED/.test(install.out)) install = npm(study, [...common, '--prefer-offline']);
  expect(install.code, install.out).toBe(0);
  // What an installed grokpipe does not need at run time is not installed with it: the compiler toolchain
  // (the package ships build/kernels.wasm), zx (scripts and benchmarks) and the TensorFlow.js engine (an
  // optional peer, installed by whoever chooses it). The study below runs without them.
  const installed = (name: string) => existsSync(join(study, 'node_modules', name, 'package.json'));
  expect(['assemblyscript', 'binaryen', 'zx', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node'].filter(installed)).toEqual([]);
  expect(['esbuild', 'tsx', 'ajv', 'yaml'].filter((n) => !installed(n))).toEqual([]);

  // 3. A one-stage TypeScript study, built with npx grokpipe.
  write(join(study, 'pipeline.yaml'), 'version: 1\nstages:\n  hello:\n    uses: stages/hello.ts\n    params: { greeting: hi, times: 3 }\n');
  write(join(study, 'stages', 'hello.ts'), STAGE);
  const repro = spawnSync('npx', ['--no-install', 'grokpipe', 'repro'], { cwd: study, encoding: 'utf8' });
  expect(repro.status, `${repro.stdout}\n${repro.stderr}`).toBe(0);
  expect(readFileSync(join(study, 'artifacts', 'hello', 'hello.txt'), 'utf8')).toBe('hi 1\nhi 2\nhi 3\n');
  expect(existsSync(join(study, 'grokpipe.lock'))).toBe(true);
  const status = spawnSync('npx', ['--no-install', 'grokpipe', 'status'], { cwd: study, encoding: 'utf8' });
  expect(status.stdout).toMatch(/1 instance: 1 up to date, 0 stale/);
  const version = spawnSync('npx', ['--no-install', 'grokpipe', '--version'], { cwd: study, encoding: 'utf8' });
  expect(version.stdout).toBe(`grokpipe ${(JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { version: string }).version}\n`);

  // 4. The stage types: tsc checks the stage against the installed declarations; a wrong use fails.
  write(join(study, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true, typeRoots: [join(PROJECT, 'node_modules', '@types')], types: ['node'] },
    include: ['stages'],
  }));
  const typed = spawnSync(process.execPath, [TSC, '-p', study], { cwd: study, encoding: 'utf8' });
  expect(typed.status, typed.stdout).toBe(0);
  write(join(study, 'stages', 'wrong.ts'), "import type { StageContext } from 'grokpipe';\nexport const f = (ctx: StageContext) => ctx.noSuchField;\n");
  const wrong = spawnSync(process.execPath, [TSC, '-p', study], { cwd: study, encoding: 'utf8' });
  expect(wrong.stdout).toMatch(/Property 'noSuchField' does not exist on type 'StageContext/);
  // The runtime entry: what a program driving grokpipe imports.
  const entry = spawnSync(process.execPath, ['--input-type=module', '-e', "const g = await import('grokpipe'); console.log(typeof g.repro, typeof g.runCli, g.GROKPIPE_VERSION)"], { cwd: study, encoding: 'utf8' });
  expect(entry.stdout.trim(), entry.stderr).toMatch(/^function function \d+\.\d+\.\d+$/);
}, 600_000);
