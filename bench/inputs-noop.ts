/**
 * No-op cost of per-instance file inputs (issue 14), grokpipe beside Snakemake on the same pipeline:
 *
 *   npm run bench:inputs -- [--sizes 1000,10000] [--runs 5] [--jobs 4] [--dir D] [--build-only] [--only grokpipe|snakemake]
 *
 * The pipeline: a matrix `count` of N instances, instance i running `sh count.sh in/<i>.txt <out>` on
 * its own input file (declared under `files:`, so its content is in that instance's key), and a
 * `total` that concatenates every count (a fan-in). The Snakefile is the same DAG: rule `count` with
 * `in/{i}.txt` and count.sh as inputs, rule `total` over every count. Both are built once (for
 * real: N shell commands each), then each verb is timed as a whole process, `runs` times after one
 * warm-up, alternating between the tools, and the median is printed:
 *
 *   grokpipe repro      (no-op: everything up to date)   vs  snakemake --cores 1     (no-op)
 *   grokpipe status                                      vs  snakemake --cores 1 -n  (dry run)
 *
 * The projects live under --dir (default: the system's temporary folder, removed afterwards); with
 * --dir they are kept and reused, so a slow build (N real shell commands per tool) can be done once
 * with --build-only and timed later: building an up-to-date project again is itself a no-op.
 *
 * Each timed run is checked to be a no-op (grokpipe: "ran 0"; Snakemake: "Nothing to be done"). The
 * load average is printed before and after: this machine is shared, so quote medians with it.
 * Snakemake comes from the system (Debian: apt-get install snakemake); without it, only grokpipe runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'grokpipe.js');
const COUNT_SH = 'wc -w < "$1" > "$2"\n';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '4' },
    dir: { type: 'string' },
    'build-only': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const jobs = values.jobs;

function write(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function inputs(dir: string, n: number): void {
  for (let i = 0; i < n; i++) write(dir, `in/${i}.txt`, `${'word '.repeat((i % 7) + 1)}${i}\n`);
  write(dir, 'count.sh', COUNT_SH);
}

function projectDir(tool: string, n: number): string {
  if (!values.dir) return mkdtempSync(join(tmpdir(), `${tool}-inputs-${n}-`));
  const dir = join(values.dir, `${tool}-${n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function grokpipeProject(n: number): string {
  const dir = projectDir('grokpipe', n);
  if (existsSync(join(dir, 'pipeline.yaml'))) return dir;
  write(dir, 'package.json', '{ "type": "module" }\n');
  inputs(dir, n);
  write(dir, 'pipeline.yaml', `version: 1
vars:
  n: [${Array.from({ length: n }, (_, i) => i).join(', ')}]
stages:
  count:
    matrix: { i: \${vars.n} }
    cmd: ["sh", "count.sh", "in/\${matrix.i}.txt", "\${out}/words.txt"]
    code: [count.sh]
    files: ["in/\${matrix.i}.txt"]
  total:
    cmd: ["sh", "-c", 'for d in "$@"; do cat "$d/words.txt"; done > "$0/total.txt"', "\${out}", "\${deps.count}"]
    deps: { count: "count[*]" }
`);
  return dir;
}

function snakemakeProject(n: number): string {
  const dir = projectDir('snakemake', n);
  if (existsSync(join(dir, 'Snakefile'))) return dir;
  inputs(dir, n);
  write(dir, 'Snakefile', `N = ${n}

rule all:
    input: "total.txt"

rule count:
    input: "in/{i}.txt", "count.sh"
    output: "c/{i}.txt"
    shell: "sh count.sh {input[0]} {output}"

rule total:
    input: expand("c/{i}.txt", i=range(N))
    output: "total.txt"
    shell: "cat {input} > {output}"
`);
  return dir;
}

interface Timed {
  ms: number;
  out: string;
}

// spawnSync, not zx as in the other drivers: the time taken is the tool's own process, with no shell
// started before it, which is what the Snakemake peer is timed by too.
function run(cwd: string, argv: string[]): Timed {
  const t = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, FORCE_COLOR: '0' } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { ms, out: `${r.stdout}\n${r.stderr}` };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const hasSnakemake = values.only !== 'grokpipe' && spawnSync('snakemake', ['--version'], { encoding: 'utf8' }).status === 0;
const hasGrokpipe = values.only !== 'snakemake';
const snakeVersion = hasSnakemake ? spawnSync('snakemake', ['--version'], { encoding: 'utf8' }).stdout.trim() : 'not installed';
console.log(`grokpipe no-op with per-instance files: ${runs} runs after 1 warm-up, medians; Snakemake ${snakeVersion}`);

for (const n of sizes) {
  const g = grokpipeProject(n);
  const s = hasSnakemake ? snakemakeProject(n) : null;
  let t = performance.now();
  if (hasGrokpipe) {
    run(g, [process.execPath, BIN, 'repro', '-j', jobs]);
    console.log(`n=${n}: grokpipe built ${n + 1} instances in ${secs(performance.now() - t)}`);
  }
  if (s) {
    t = performance.now();
    run(s, ['snakemake', '--cores', jobs, '--quiet']);
    console.log(`n=${n}: snakemake built ${n + 1} jobs in ${secs(performance.now() - t)}`);
  }
  if (values['build-only']) continue;
  const verbs: Array<{ label: string; cwd: string; argv: string[]; noop: RegExp }> = [];
  if (hasGrokpipe) {
    verbs.push({ label: 'grokpipe repro', cwd: g, argv: [process.execPath, BIN, 'repro'], noop: new RegExp(`nothing to do: ${n + 1} instances up to date`) });
    verbs.push({ label: 'grokpipe status', cwd: g, argv: [process.execPath, BIN, 'status'], noop: new RegExp(`: ${n + 1} up to date, 0 stale`) });
  }
  if (s) {
    verbs.push({ label: 'snakemake --cores 1', cwd: s, argv: ['snakemake', '--cores', '1'], noop: /Nothing to be done/ });
    verbs.push({ label: 'snakemake --cores 1 -n', cwd: s, argv: ['snakemake', '--cores', '1', '-n'], noop: /Nothing to be done/ });
  }
  const times = new Map<string, number[]>(verbs.map((v) => [v.label, []]));
  const before = load();
  for (let r = 0; r <= runs; r++) {
    for (const v of verbs) {
      const res = run(v.cwd, v.argv);
      if (!v.noop.test(res.out)) throw new Error(`${v.label} at n=${n} was not a no-op:\n${res.out.slice(0, 2000)}`);
      if (r > 0) times.get(v.label)!.push(res.ms);
    }
  }
  console.log(`n=${n}: load average before ${before}, after ${load()}`);
  for (const v of verbs) {
    const xs = times.get(v.label)!;
    console.log(`  ${v.label.padEnd(24)} median ${secs(median(xs))}  (min ${secs(Math.min(...xs))}, max ${secs(Math.max(...xs))})`);
  }
  if (!hasGrokpipe) continue;
  // The input files are really in the keys: one edit makes exactly one instance (and the fan-in) stale.
  const seven = readFileSync(join(g, 'in/7.txt'), 'utf8');
  write(g, 'in/7.txt', `${seven}edited\n`);
  const st = run(g, [process.execPath, BIN, 'status']);
  console.log(`  after editing in/7.txt: ${st.out.split('\n')[0]}`);
  write(g, 'in/7.txt', seven);
  if (!values.dir) {
    rmSync(g, { recursive: true, force: true });
    if (s) rmSync(s, { recursive: true, force: true });
  }
}
