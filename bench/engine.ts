/**
 * Engine benchmark (npm run bench:engine): on synthetic pipelines,
 *   1. a no-op `repro` over 1,000 instances that are all up to date (target: under 1 s),
 *   2. `status` over 10,000 instances that are all up to date (target: under 2 s),
 * each beside a named peer run in the same process: the same verb with the stat cache of file hashes
 * disabled, i.e. the naive way of re-hashing every closure file and every output on every call.
 * Also the real CLI (`node bin/grokpipe.js repro`) in a subprocess, start-up included.
 *
 * The synthetic pipelines: a matrix stage `cell` (N-1 instances, one JSON output each of 64 KiB or
 * 16 KiB, the size of a training cell's curves) and a
 * stage `summary` that fans in from all of them, both module stages importing a helper. The cells'
 * params do not use the matrix value, so they share one key: building them runs one process and
 * restores the rest, which keeps the setup short; a no-op's cost (key, manifest, folder listing,
 * output hashes per instance) does not depend on whether keys are distinct.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assessAll } from '../src/engine/verbs/assess.ts';
import { repro } from '../src/engine/verbs/repro.ts';
import { openWorkspace } from '../src/engine/verbs/workspace.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'grokpipe.js');

function makePipeline(n: number, outputBytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), `grokpipe-bench-${n}-`));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write('package.json', '{ "type": "module" }\n');
  write('lib/helper.ts', 'export const scale = (x: number) => 2 * x;\n');
  write('stages/cell.ts', `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scale } from '../lib/helper.ts';
export default {
  params: { type: 'object', properties: { group: { type: 'integer' }, lr: { type: 'number' }, bytes: { type: 'integer' } }, required: ['group', 'bytes'] },
  async run(ctx: any) {
    // A curve of the size a training cell writes, so that hashing outputs costs what it costs.
    const curve = Array.from({ length: Math.ceil(ctx.params.bytes / 12) }, (_, i) => (i % 1000) / 1000 + 0.0001);
    await writeFile(join(ctx.outDir, 'result.json'), JSON.stringify({ v: scale(ctx.params.group), curve }).slice(0, ctx.params.bytes));
  },
};
`);
  write('stages/summary.ts', `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scale } from '../lib/helper.ts';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 'summary.json'), JSON.stringify({ n: ctx.inputs.cells.length, k: scale(1) })); },
};
`);
  const values = Array.from({ length: n - 1 }, (_, i) => i + 1).join(', ');
  write('pipeline.yaml', `version: 1
stages:
  cell:
    uses: stages/cell.ts
    matrix: { i: [${values}] }
    params: { group: 1, lr: 0.001, bytes: ${outputBytes} }
  summary:
    uses: stages/summary.ts
    deps: { cells: cell }
`);
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(runs: number, f: () => Promise<void>): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main() {
  console.log(`grokpipe engine benchmark: node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
  console.log('medians of 5 runs; timings on a shared machine are noisy\n');

  // 1. no-op repro, 1,000 instances
  const n1 = 1000;
  const bytes1 = 64 * 1024;
  const dir1 = makePipeline(n1, bytes1);
  let t = performance.now();
  const build = await repro(dir1, { jobs: availableParallelism() });
  if (build.exitCode !== 0) throw new Error(`bench setup failed: ${JSON.stringify(build.summary)}`);
  console.log(`setup: built ${n1} instances (ran ${build.summary.ran}, restored ${build.summary.restored}) in ${fmt(performance.now() - t)}`);
  const first = await repro(dir1, {});
  if (first.summary.upToDate !== n1) throw new Error(`expected ${n1} up to date, found ${first.summary.upToDate}`);
  const noop = await time(5, async () => {
    const r = await repro(dir1, {});
    if (r.summary.upToDate !== n1) throw new Error('not a no-op');
  });
  const noopNaive = await time(5, async () => {
    await repro(dir1, { hashCache: false });
  });
  // spawnSync, not zx as in the other drivers: the time taken is the CLI's own process (and bare node's
  // beside it), with no shell started before it.
  const cliTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'repro', '-C', dir1], { encoding: 'utf8' });
    cliTimes.push(performance.now() - t);
    if (r.status !== 0 || !r.stdout.includes('nothing to do')) throw new Error(`CLI no-op failed: ${r.stdout}${r.stderr}`);
  }
  const nodeStart = median([0, 1, 2].map(() => ((t = performance.now()), spawnSync(process.execPath, ['-e', '0']), performance.now() - t)));
  console.log(`\n1. no-op repro, ${n1} instances, one ${bytes1 / 1024} KiB output each (target < 1 s)`);
  console.log(`   grokpipe (stat cache)           ${fmt(noop).padStart(8)}   ${(n1 / (noop / 1000)).toFixed(0)} instances/s   ${noop < 1000 ? 'MEETS' : 'MISSES'} target`);
  console.log(`   peer: re-hash every file        ${fmt(noopNaive).padStart(8)}   ${(n1 / (noopNaive / 1000)).toFixed(0)} instances/s`);
  console.log(`   ratio peer / grokpipe           ${(noopNaive / noop).toFixed(2)}x`);
  console.log(`   real CLI in a subprocess        ${fmt(median(cliTimes)).padStart(8)}   (includes node + tsx start-up; bare node -e 0 takes ${fmt(nodeStart)})`);
  rmSync(dir1, { recursive: true, force: true });

  // 2. status, 10,000 instances
  const n2 = 10000;
  const bytes2 = 16 * 1024;
  const dir2 = makePipeline(n2, bytes2);
  t = performance.now();
  const build2 = await repro(dir2, { jobs: availableParallelism() });
  if (build2.exitCode !== 0) throw new Error('bench setup failed');
  console.log(`\nsetup: built ${n2} instances (ran ${build2.summary.ran}, restored ${build2.summary.restored}) in ${fmt(performance.now() - t)}`);
  const status = async (hashCache: boolean) => {
    const ws = await openWorkspace(dir2, { hashCache });
    const list = assessAll(ws.prepared, ws.selected, { lock: ws.lock, store: ws.store, cache: ws.cache, why: false });
    ws.cache.save();
    if (list.filter((a) => a.state === 'up-to-date').length !== n2) throw new Error('expected everything up to date');
  };
  await status(true);
  const st = await time(5, () => status(true));
  const stNaive = await time(3, () => status(false));
  const cliStatus: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'status', '-C', dir2], { encoding: 'utf8' });
    cliStatus.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`CLI status failed: ${r.stderr}`);
  }
  console.log(`\n2. status, ${n2} instances, one ${bytes2 / 1024} KiB output each (target < 2 s)`);
  console.log(`   grokpipe (stat cache)           ${fmt(st).padStart(8)}   ${(n2 / (st / 1000)).toFixed(0)} instances/s   ${st < 2000 ? 'MEETS' : 'MISSES'} target`);
  console.log(`   peer: re-hash every file        ${fmt(stNaive).padStart(8)}   ${(n2 / (stNaive / 1000)).toFixed(0)} instances/s`);
  console.log(`   ratio peer / grokpipe           ${(stNaive / st).toFixed(2)}x`);
  console.log(`   real CLI in a subprocess        ${fmt(median(cliStatus)).padStart(8)}`);
  rmSync(dir2, { recursive: true, force: true });

  // 3. where the stat cache matters: large outputs
  const n3 = 200;
  const bytes3 = 1024 * 1024;
  const dir3 = makePipeline(n3, bytes3);
  t = performance.now();
  if ((await repro(dir3, { jobs: availableParallelism() })).exitCode !== 0) throw new Error('bench setup failed');
  console.log(`\nsetup: built ${n3} instances in ${fmt(performance.now() - t)}`);
  await repro(dir3, {});
  const big = await time(5, async () => void (await repro(dir3, {})));
  const bigNaive = await time(3, async () => void (await repro(dir3, { hashCache: false })));
  console.log(`\n3. no-op repro, ${n3} instances, one ${bytes3 / 1024 / 1024} MiB output each (${(n3 * bytes3) / 1024 / 1024} MiB of artifacts)`);
  console.log(`   grokpipe (stat cache)           ${fmt(big).padStart(8)}   ${(n3 / (big / 1000)).toFixed(0)} instances/s`);
  console.log(`   peer: re-hash every file        ${fmt(bigNaive).padStart(8)}   ${(n3 / (bigNaive / 1000)).toFixed(0)} instances/s`);
  console.log(`   ratio peer / grokpipe           ${(bigNaive / big).toFixed(2)}x`);
  rmSync(dir3, { recursive: true, force: true });
}

await main();
