/**
 * The docs as a newcomer reads them (issue 21): every fenced code block of README.md and docs/*.md either
 * is an example this test runs, or is listed below with the test that covers it or why it is not run. An
 * example is marked in its info string, ```ts example=<study>/<path>: the block is written to <path> in a
 * temporary study <study>, which gets the scaffold below (the upstream stages it reads, stub modules for
 * a reference file) and is then type-checked (TypeScript blocks, against the package's own declarations,
 * as a study that installed grokpipe sees them) and run as the text around it says.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, PROJECT } from '../engine/helpers.ts';

interface Block {
  doc: string;
  line: number;
  lang: string;
  example: string | null;
  body: string;
}

const DOCS = ['README.md', ...readdirSync(join(PROJECT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(PROJECT, doc), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^ *```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    const example = /\bexample=(\S+)/.exec(open[3]!)?.[1] ?? null;
    out.push({ doc, line: i + 1, lang: open[2]!, example, body: body.join('\n') + '\n' });
    i = j;
  }
  return out;
}

/**
 * Blocks that are not examples to run here, by document and first line, with what covers them. A new
 * block must be marked `example=` or be added here with its reason.
 */
const NOT_RUN: Record<string, string> = {
  'README.md: npm ci && npx grokpipe repro     # rebuild the study (the quick profile) and write artifacts/report/':
    'the whole study and the whole suite: what CI runs (.github/workflows/verify.yml)',
  'README.md: grokpipe repro [targets] [--dry-run] [--force] [-j N] [--profile P] [--keep-going] [--set vars.x=v]':
    'a synopsis of the verbs; test/cli/verb-help.test.ts checks their options',
  'README.md: mkdir hello-study && cd hello-study': 'installing from npm pack: test/package/install.test.ts does exactly this',
  'README.md: async run(ctx) {': "an excerpt of stages/saturation.ts: test/pipeline/smoke.test.ts checks it is in the file and runs the stage",
  'README.md:   saturation:': "lines of pipeline.yaml: test/pipeline/smoke.test.ts checks they are there and runs them",
  'README.md:       saturation: saturation': "a line of pipeline.yaml: test/pipeline/smoke.test.ts checks it is there",
  'README.md:   - id: saturation_follows_L_p59': 'the claim one would add: test/pipeline/smoke.test.ts adds it to a copy and runs verify',
  'README.md: server {': "a site's TLS server block; test/remote/nginx.ts serves the store with the same WebDAV directives on a local port",
  'README.md: echo https://cache.example.org > grokpipe.remote   # commit it: a URL, no secret (or GROKPIPE_REMOTE=<url>)':
    'push and pull against a real nginx: test/remote/remote-store.test.ts',
  'README.md: grokpipe verify --remote https://cache.example.org --sample 8 --profile full [--seed S] [--budget 5m]':
    'the audit against a real nginx: test/remote/remote-store.test.ts; the workflow runs it (.github/workflows/verify.yml, audit)',
};

const firstLine = (b: Block) => `${b.doc}: ${b.body.split('\n')[0]}`;

let base: string;
const studies = new Map<string, string>();

function study(name: string): string {
  let dir = studies.get(name);
  if (!dir) {
    dir = join(base, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `${name}-study`, private: true, type: 'module' }) + '\n');
    studies.set(name, dir);
  }
  return dir;
}

function put(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function grokpipe(dir: string, ...argv: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const STUB = 'export default { params: { type: "object" }, async run() {} };\n';

const all = DOCS.flatMap(blocksOf);
const examples = all.filter((b) => b.example);

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'grokpipe-docs-'));
  // What `npm install ../grokpipe` makes: node_modules/grokpipe, a link to the checkout (its package.json
  // exports dist/, which npm ci built). Every study below sits under this folder and resolves it.
  mkdirSync(join(base, 'node_modules'));
  symlinkSync(PROJECT, join(base, 'node_modules', 'grokpipe'), 'dir');
  for (const b of examples) {
    const [name, ...rest] = b.example!.split('/');
    put(study(name!), rest.join('/'), b.body);
  }
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

test('every code block of the docs is an example run here, or says what covers it', () => {
  const unaccounted = all.filter((b) => !b.example && !(firstLine(b) in NOT_RUN)).map((b) => `${b.doc}:${b.line} ${b.body.split('\n')[0]}`);
  expect(unaccounted).toEqual([]);
  const stale = Object.keys(NOT_RUN).filter((k) => !all.some((b) => firstLine(b) === k));
  expect(stale, 'NOT_RUN entries whose block is gone').toEqual([]);
  expect(examples.map((b) => b.example!.split('/')[0]).sort()).toEqual(['api', 'claims', 'contract', 'hello', 'hello', 'reference', 'shard', 'slurm']);
});

test("the TypeScript examples type-check against the package's declarations", () => {
  const files = examples.filter((b) => b.lang === 'ts').map((b) => b.example!);
  put(base, 'tsconfig.json', JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022'], types: ['node'], typeRoots: [join(PROJECT, 'node_modules', '@types')] },
    files,
  }));
  const r = spawnSync(process.execPath, [join(PROJECT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(base, 'tsconfig.json')], { cwd: base, encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 120_000);

describe('each study runs as the docs say', () => {
  test('README, a study of your own: repro writes artifacts/hello/hello.txt and the lock; status says it is up to date', () => {
    const dir = study('hello');
    const r = grokpipe(dir, 'repro');
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'artifacts', 'hello', 'hello.txt'), 'utf8')).toBe('hi 1\nhi 2\nhi 3\n');
    expect(JSON.parse(readFileSync(join(dir, 'grokpipe.lock'), 'utf8')).profiles.default.hello.outputs['hello.txt']).toMatch(/^[0-9a-f]{64}$/);
    expect(grokpipe(dir, 'status').out).toMatch(/^profile default: 1 instance: 1 up to date, 0 stale/);
  }, 60_000);

  test('docs/pipeline.md, the stage contract: the stage reads a single dependency and a fan-in and writes its output', () => {
    const dir = study('contract');
    put(dir, 'pipeline.yaml', `version: 1
stages:
  rows:
    cmd: ["sh", "-c", 'echo "[1,2,3,4,5,6,7,8,9,10]" > "$1/rows.json"', "sh", "\${out}"]
    matrix: { n: [1, 2] }
    outputs: [rows.json]
  split:
    uses: stages/split.ts
    params: { p: 7 }
    deps: { data: "rows[n=1]", cells: "rows[*]" }
`);
    const r = grokpipe(dir, 'repro');
    expect(r.code, r.err).toBe(0);
    const split = JSON.parse(readFileSync(join(dir, 'artifacts', 'split', 'split.json'), 'utf8')) as { p: number; train: number[]; seen: number };
    expect(split.p).toBe(7);
    expect(split.seen).toBe(20);
    for (const x of split.train) expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).toContain(x);
    const manifest = JSON.parse(readFileSync(join(dir, 'artifacts', 'split', 'manifest.json'), 'utf8'));
    expect(manifest.components.compute).toBe('kernels/1/float32/p7');
    expect(manifest.components.params).toEqual({ p: 7, frac: 0.4 }); // the schema's default is filled in
  }, 60_000);

  test('docs/pipeline.md, the in-process API: the program builds the study and reads status --json', () => {
    const dir = study('api');
    const hello = examples.filter((b) => b.example!.startsWith('hello/'));
    for (const b of hello) put(dir, b.example!.slice('hello/'.length), b.body);
    const r = spawnSync(process.execPath, [join(PROJECT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'build.ts'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('repro: exit 0, ran 1\nstatus: exit 0, 1 up to date\n');
  }, 60_000);

  test('docs/pipeline.md, the reference pipeline.yaml: valid, and it plans under each of its profiles', () => {
    const dir = study('reference');
    for (const m of ['stages/data.ts', 'stages/train_cell.ts', 'stages/analysis.ts']) put(dir, m, STUB);
    for (const f of ['plot.py', 'count.sh', 'in/1.txt', 'in/2.txt', 'in/3.txt', 'tables/primes-59.csv', 'tables/primes-97.csv', 'tables/primes-11.csv']) put(dir, f, '');
    const quick = grokpipe(dir, 'dag', '--profile', 'quick');
    expect(quick.code, quick.err).toBe(0);
    expect(quick.out).toMatch(/^profile quick: 6 stages, /);
    expect(quick.out).toContain('data (2 instances, stages/data.ts)');
    const smoke = grokpipe(dir, 'dag', '--profile', 'smoke', '--instances');
    expect(smoke.code, smoke.err).toBe(0);
    expect(smoke.out).toMatch(/^data\[p=11\]$/m);
    expect(smoke.out).toMatch(/^count\[i=2\]$/m);
  });

  test('docs/pipeline.md, shards: the stage becomes the run, barrier, finish and merge instances the table names', () => {
    const dir = study('shard');
    put(dir, 'pipeline.yaml', `version: 1\nvars: { seeds: 3 }\nstages:\n${readFileSync(join(dir, 'stages.yaml'), 'utf8')}`);
    put(dir, 'stages/cell.ts', STUB);
    const r = grokpipe(dir, 'dag', '--instances');
    expect(r.code, r.err).toBe(0);
    for (const name of ['cell.run[p=59,rho=1,seed=0]', 'cell.run[p=59,rho=1,seed=2]', 'cell.barrier[p=59,rho=1]', 'cell[p=59,rho=1,seed=1]', 'cell[p=59,rho=1]']) {
      expect(r.out.split('\n'), name).toContain(name);
    }
  });

  test('docs/pipeline.md, Slurm settings: pipeline.yaml with an executor section is valid', () => {
    const dir = study('slurm');
    put(dir, 'stages/cell.ts', STUB);
    const r = grokpipe(dir, 'dag');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('cell (1 instance, stages/cell.ts)');
  });

  test('docs/pipeline.md, claims.yaml: valid, the expected divergence too; on a study never built each claim is NOT BUILT (exit 3)', () => {
    const dir = study('claims');
    put(dir, 'pipeline.yaml', 'version: 1\ndefault_profile: quick\nprofiles: { quick: {}, paper: {} }\nstages:\n  mediation:\n    uses: stages/mediation.ts\n    matrix: { loss: [ce], p: [59] }\n    params: { p: "${matrix.p}" }\n');
    put(dir, 'stages/mediation.ts', STUB);
    const r = grokpipe(dir, 'verify', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).claims).toEqual([
      expect.objectContaining({ id: 'recovery_p59', status: 'not-built', instance: 'mediation[loss=ce,p=59]', expect: null }),
      expect.objectContaining({ id: 'ratio_held', status: 'not-built', instance: 'mediation[loss=ce,p=59]', expect: 'diverges' }),
    ]);
  });
});

test('no doc tells a reader to `npm install grokpipe`: the package is not on the registry', () => {
  for (const doc of DOCS) {
    const lines = readFileSync(join(PROJECT, doc), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/npm install grokpipe(?![\w./-])/.test(line)) expect(line, `${doc}:${i + 1}`).toMatch(/finds no such package|not published/);
    });
  }
});
