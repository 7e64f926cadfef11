/**
 * `grokpipe repro --executor slurm` against a real Slurm (see cluster.ts): jobs cancelled from outside
 * are reported with their Slurm state and job id and rerun by the next repro; Ctrl-C cancels this run's
 * jobs and no one else's; Slurm refusing a request is a clear failure. The errors that need no cluster
 * (sbatch missing, malformed resources) run everywhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BIN, cliProcess, makeRepo, removeRepos, snapshot, type Repo } from '../engine/helpers.ts';
import { FINAL_STATES, noSlurm, queue, waitFor } from './cluster.ts';

const FAST = `
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
  async run(ctx) {
    await writeFile(join(ctx.outDir, 'out.json'), JSON.stringify({ n: ctx.params.n, square: ctx.params.n ** 2 }));
  },
};
`;

// Runs for GROKPIPE_TEST_SLOW_MS (the environment reaches the job: sbatch exports it). A stage sees only the
// variables it declares (docs/pipeline.md, "What a stage sees of the environment"), so `slow` declares it,
// which puts its value in slow's key: each run here builds slow anew anyway.
const SLOW = `
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx) {
    const ms = Number(process.env.GROKPIPE_TEST_SLOW_MS ?? 100);
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      if (ctx.signal.aborted) throw new Error('stopped');
      ctx.progress({ done: Date.now() - t0, total: ms, phase: 'wait' });
      await new Promise((r) => setTimeout(r, 100));
    }
    await writeFile(join(ctx.outDir, 'slow.json'), JSON.stringify({ slow: true }));
  },
};
`;

const SUM = `
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx) {
    let s = 0;
    for (const r of ctx.inputs.parts) s += (await r.json('out.json')).square;
    await writeFile(join(ctx.outDir, 'sum.json'), JSON.stringify({ s, slow: (await ctx.inputs.slow.json('slow.json')).slow }));
  },
};
`;

function pipeline(slowResources = '{ cpus: 1, memory: 100M, time: 10m }'): string {
  return `version: 1
executor:
  slurm:
    poll: 1s
stages:
  fast:
    uses: stages/fast.ts
    matrix: { n: [1, 2] }
    params: { n: "\${matrix.n}" }
    outputs: [out.json]
  slow:
    uses: stages/slow.ts
    resources: ${slowResources}
    outputs: [slow.json]
    env: [GROKPIPE_TEST_SLOW_MS]
  sum:
    uses: stages/sum.ts
    deps: { parts: fast, slow: slow }
    outputs: [sum.json]
`;
}

function repoWith(yaml = pipeline()): Repo {
  return makeRepo({ 'pipeline.yaml': yaml, 'stages/fast.ts': FAST, 'stages/slow.ts': SLOW, 'stages/sum.ts': SUM });
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

function startRepro(repo: Repo, slowMs: number, ...args: string[]): { child: ChildProcess; done: Promise<Finished>; out: () => string } {
  const child = spawn(process.execPath, [BIN, 'repro', '--executor', 'slurm', ...args], {
    cwd: repo.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GROKPIPE_TEST_SLOW_MS: String(slowMs), CI: 'true' },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
  return { child, done, out: () => out };
}

/** This run's jobs: the job scripts grokpipe wrote under .grokpipe/slurm/<run name>/. */
function runName(repo: Repo): string | undefined {
  const d = join(repo.dir, '.grokpipe', 'slurm');
  return existsSync(d) ? readdirSync(d)[0] : undefined;
}

afterAll(() => removeRepos());

describe.skipIf(noSlurm !== null)(`repro --executor slurm on a real cluster${noSlurm ? ` (skipped: ${noSlurm})` : ''}`, () => {
  test('a job cancelled with scancel mid-run is reported with its state and job id, and the next repro reruns only it and what needs it', async () => {
    const repo = repoWith();
    const run = startRepro(repo, 120_000, '--keep-going');
    const slow = await waitFor('the slow instance running under Slurm', () => queue().find((j) => j.command.endsWith('-slow.sh') && j.command.includes(repo.dir) && j.state === 'RUNNING'));
    // Let it report some progress first, so that the cancellation really is mid-run.
    await waitFor('progress of the slow instance', () => run.out().includes('wait '), 60_000);
    expect(spawnSync('scancel', [slow.id]).status).toBe(0);
    const first = await run.done;
    expect(first.code, first.out).toBe(1);
    expect(first.out).toMatch(/✓ ran\s+fast\[n=1\]/);
    expect(first.out).toMatch(/✓ ran\s+fast\[n=2\]/);
    const failed = first.out.split('\n').find((l) => l.includes('FAILED') && l.includes('slow'));
    expect(failed, first.out).toContain(`Slurm job ${slow.id} CANCELLED`);
    expect(first.out).toMatch(/- skipped\s+sum: upstream slow did not succeed/);
    // Its Slurm log is kept and named in the report.
    const logLine = first.out.match(/\(Slurm log: (\S+)\)/);
    expect(logLine, first.out).not.toBeNull();
    expect(readFileSync(join(repo.dir, logLine![1]!), 'utf8')).toMatch(/CANCELLED/);
    const lock = JSON.parse(repo.read('grokpipe.lock')).profiles.default;
    expect(Object.keys(lock).sort()).toEqual(['fast[n=1]', 'fast[n=2]']);

    const again = startRepro(repo, 200);
    const second = await again.done;
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/✓ ran\s+slow/);
    expect(second.out).toMatch(/✓ ran\s+sum/);
    expect(second.out).not.toMatch(/ran\s+fast/);
    expect(second.out).toContain('ran 2, restored 0, up to date 2, failed 0');
    expect(JSON.parse(repo.read('artifacts/sum/sum.json'))).toEqual({ s: 5, slow: true });
  }, 300_000);

  test("Ctrl-C cancels this run's jobs and leaves a foreign job alone", async () => {
    const foreign = spawnSync('sbatch', ['--parsable', '--job-name=grokpipe-test-foreign', '--output=/dev/null', '--cpus-per-task=1', '--mem=50M', '--wrap', 'sleep 300'], { encoding: 'utf8' });
    expect(foreign.status, foreign.stderr).toBe(0);
    const foreignId = foreign.stdout.trim().split(';')[0]!;
    try {
      const repo = repoWith();
      const run = startRepro(repo, 120_000);
      const slow = await waitFor('the slow instance running under Slurm', () => queue().find((j) => j.command.endsWith('-slow.sh') && j.command.includes(repo.dir) && j.state === 'RUNNING'));
      const name = runName(repo)!;
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code, r.out).toBe(130);
      expect(r.out).toMatch(/slow[^\n]*(interrupted|stopped by Ctrl-C)/);
      // Slurm passes a cancelled job through COMPLETING on its way to CANCELLED; wait for the end state.
      const ours = await waitFor('every job of the run to reach a final state', () => {
        const q = queue().filter((j) => j.name === name);
        return q.length && q.every((j) => FINAL_STATES.has(j.state)) ? q : null;
      }, 60_000);
      expect(ours.find((j) => j.id === slow.id)?.state).toBe('CANCELLED');
      expect(queue().find((j) => j.id === foreignId)?.state).toMatch(/RUNNING|PENDING/);
      // Nothing half-done was recorded. The lock exists only if some instance finished before Ctrl-C
      // (the fast ones race the slow one through the queue): no lock records nothing either.
      const locked = repo.exists('grokpipe.lock') ? (JSON.parse(repo.read('grokpipe.lock')).profiles.default ?? {}) : {};
      expect(Object.keys(locked)).not.toContain('slow');
    } finally {
      spawnSync('scancel', [foreignId]);
    }
  }, 300_000);

  test('a request no node can satisfy is refused by Slurm and reported as such; store, lock and artifacts stay as they were', () => {
    const repo = repoWith(pipeline('{ memory: 900T }'));
    const before = snapshot(repo);
    const r = cliProcess(repo, 'repro', '--executor', 'slurm', 'slow');
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toMatch(/FAILED\s+slow: Slurm refused the job/);
    expect(r.err).toContain('--mem=900T');
    expect(r.err).toMatch(/lower resources of stage `slow`/);
    expect(snapshot(repo)).toEqual(before);
  }, 120_000);
});

describe('Slurm errors that need no cluster', () => {
  test('without sbatch on PATH, --executor slurm stops before anything runs and says what to do', () => {
    const repo = repoWith();
    const r = spawnSync(process.execPath, [BIN, 'repro', '--executor', 'slurm'], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('sbatch not found');
    expect(r.stderr).toContain('drop --executor slurm');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(repo.dir, 'grokpipe.lock'))).toBe(false);
  });

  test('malformed resources are reported at their file:line:col, whatever the executor', () => {
    const repo = repoWith(pipeline('{ cpus: 1, memory: 4GB }'));
    const r = cliProcess(repo, 'repro', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.err).toContain('pipeline.yaml:13:35');
    expect(r.err).toMatch(/memory as an integer with a unit K, M, G or T/);
    const t = repoWith(pipeline('{ time: 30 minutes }'));
    const rt = cliProcess(t, 'repro', '--dry-run');
    expect(rt.code).toBe(2);
    expect(rt.err).toContain('pipeline.yaml:13:');
    expect(rt.err).toContain('a duration such as 90s');
  });

  test('an unknown executor is refused', () => {
    const r = cliProcess(repoWith(), 'repro', '--executor', 'pbs');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown executor');
  });
});
