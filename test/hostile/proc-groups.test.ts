/**
 * Stage processes: each stage runs in its own process group, and the whole group goes when grokpipe is
 * SIGKILLed (no orphan keeps writing), when the user presses Ctrl-C (reported as "interrupted", not as
 * a failure), and when the stage's `timeout:` expires (reported as a timeout, not "killed from
 * outside"). Store, lock and artifacts stay as they were in every case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, describeProcess, gone, makeRepo, PROJECT, removeRepos, snapshot, spawnCli, waitFor, type Repo } from '../engine/helpers.ts';
import { RUN_MARK } from '../../src/engine/run/group-keeper.ts';

afterAll(removeRepos);

/**
 * A cmd stage whose shell starts a background grandchild (the kind of process a plain kill of the
 * direct child misses), records both pids in the repository, then waits while the file "hang" exists.
 */
const PIPE = (v: number, timeout?: string) => `version: 1
stages:
  base:
    cmd: [sh, -c, "echo base > \${out}/b.txt"]
  hold:
    cmd: [sh, -c, "echo $$ > shell.pid; sleep 300 & echo $! > bg.pid; while [ -e hang ]; do sleep 0.05; done; echo ${v} > \${out}/h.txt"]
    deps: { b: base }${timeout ? `\n    timeout: "${timeout}"` : ''}
`;

/**
 * A module stage that starts a child, records its own pid and the child's in busy.pid, then never yields:
 * it cannot read an abort message, nor see its engine go.
 */
const BUSY = `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
export default {
  params: { type: 'object' },
  async run() {
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    writeFileSync('busy.pid', String(process.pid) + ' ' + String(child.pid));
    for (;;) {}
  },
};
`;

/** The worker's and its child's pids, once the busy stage has written them. */
function busyPids(repo: Repo): [worker: number, child: number] | null {
  const text = repo.exists('busy.pid') ? repo.read('busy.pid') : '';
  return text.includes(' ') ? (text.split(' ').map(Number) as [number, number]) : null;
}

function pids(repo: Repo): { shell: number; bg: number } {
  return { shell: Number(repo.read('shell.pid')), bg: Number(repo.read('bg.pid')) };
}

async function builtRepo(): Promise<{ repo: Repo; before: Record<string, string> }> {
  const repo = makeRepo({ 'pipeline.yaml': PIPE(1) });
  const r = await cli(repo, 'repro');
  expect(r.code).toBe(0);
  // A stage's background process does not outlive a successful run either: the group is reaped.
  await waitFor(() => gone(pids(repo).bg), 'the background child of a finished stage to be reaped', 3000);
  rmSync(join(repo.dir, 'shell.pid'));
  rmSync(join(repo.dir, 'bg.pid'));
  repo.write('pipeline.yaml', PIPE(2));
  repo.write('hang', '');
  return { repo, before: snapshot(repo) };
}

describe('process groups', () => {
  test('SIGKILL of grokpipe: the stage and its background children die with it; the next repro runs cleanly', async () => {
    const { repo, before } = await builtRepo();
    const child = spawnCli(repo, 'repro');
    await waitFor(() => repo.exists('bg.pid') && repo.read('bg.pid').trim() !== '', 'the stage to start');
    const { shell, bg } = pids(repo);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The supervisor sees its IPC channel close and kills the group: no orphan writes on.
    await waitFor(() => gone(shell) && gone(bg), 'the orphaned stage processes to die', 5000).catch((e: Error) => {
      // Seen once in eight .ci/run runs, under load (stop 27): say which process outlived the engine
      throw new Error(`${e.message}: shell ${describeProcess(shell)}, background ${describeProcess(bg)}`);
    });
    expect(snapshot(repo)).toEqual(before);
    // The next repro takes over the stale run lock and the dead process's scratch folder.
    rmSync(join(repo.dir, 'hang'));
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(0);
    expect(repo.read('artifacts/hold/h.txt')).toBe('2\n');
    expect(existsSync(join(repo.dir, '.grokpipe', 'run.lock'))).toBe(false);
    expect(readdir(join(repo.dir, '.grokpipe', 'tmp'))).toEqual([]);
  }, 30000);

  /** Starts `repro` on a built repository, waits for the hanging stage to start, sends `signal` to grokpipe. */
  async function signalWhileStageRuns(signal: NodeJS.Signals) {
    const { repo, before } = await builtRepo();
    const child = spawnCli(repo, 'repro');
    let out = '';
    child.stderr!.on('data', (c) => (out += c));
    const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)));
    await waitFor(() => repo.exists('bg.pid') && repo.read('bg.pid').trim() !== '', 'the stage to start');
    const { shell, bg } = pids(repo);
    child.kill(signal);
    const code = await exited;
    return { repo, before, out, code, shell, bg };
  }

  test('Ctrl-C: the running stage is reported as interrupted (not FAILED), its group is gone, exit 130, nothing changed', async () => {
    const { repo, before, out, code, shell, bg } = await signalWhileStageRuns('SIGINT');
    expect(code).toBe(130);
    expect(out).toMatch(/■ interrupted hold in [^:]+: stopped by Ctrl-C or SIGTERM; nothing was stored/);
    expect(out).not.toMatch(/FAILED|killed by SIGINT|killed from outside/);
    expect(out).toMatch(/interrupted 1/);
    expect(gone(shell) && gone(bg)).toBe(true);
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo.dir, '.grokpipe', 'run.lock'))).toBe(false);
  }, 30000);

  test('SIGTERM (a scheduler stopping grokpipe) behaves as Ctrl-C', async () => {
    const { repo, before, out, code, shell, bg } = await signalWhileStageRuns('SIGTERM');
    expect(code).toBe(130);
    expect(out).toMatch(/■ interrupted hold/);
    expect(gone(shell) && gone(bg)).toBe(true);
    expect(snapshot(repo)).toEqual(before);
  }, 30000);

  test('timeout: the engine kills the whole group when it expires and reports a timeout, not "killed from outside"', async () => {
    const { repo } = await builtRepo();
    // Long enough for the shell to start and record its pids on a loaded machine.
    repo.write('pipeline.yaml', PIPE(2, '4s'));
    const before = snapshot(repo);
    const t0 = performance.now();
    const r = await cli(repo, 'repro');
    const took = performance.now() - t0;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+hold: timed out after 4s \(the `timeout:` of stage hold\); its processes were stopped and nothing was stored/);
    expect(r.out).not.toMatch(/killed from outside|killed by SIG/);
    expect(took).toBeLessThan(30000);
    expect(repo.exists('bg.pid')).toBe(true);
    const { shell, bg } = pids(repo);
    await waitFor(() => gone(shell) && gone(bg), 'the timed-out group to die', 3000);
    expect(snapshot(repo)).toEqual(before);
    expect(existsSync(join(repo.dir, '.grokpipe', 'run.lock'))).toBe(false);
  }, 30000);

  test('class: a module stage that ignores ctx.signal (a busy loop) is killed with its children after the grace period', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  busy:\n    uses: stages/busy.ts\n    timeout: 3s\n', 'stages/busy.ts': BUSY });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+busy: timed out after 3s \(the `timeout:` of stage busy\)/);
    await waitFor(() => gone(busyPids(repo)![1]), 'the module stage\'s child to die with its group', 3000);
    expect(snapshot(repo)).toEqual({});
  }, 40000);

  test('class: a stage killed from outside is still reported as such (only the engine\'s own stops are relabelled)', async () => {
    const { repo, before } = await builtRepo();
    const running = cli(repo, 'repro');
    await waitFor(() => repo.exists('bg.pid') && repo.read('bg.pid').trim() !== '', 'the stage to start');
    process.kill(pids(repo).shell, 'SIGKILL');
    const r = await running;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✗ FAILED\s+hold: command was killed by SIGKILL \(out of memory, or killed from outside grokpipe\)/);
    await waitFor(() => gone(pids(repo).bg), 'the background child to be reaped with its group', 3000);
    expect(snapshot(repo)).toEqual(before);
  }, 30000);
});

/** A detached `sleep` (the leader of its own group, as a stage is), with `env` added to its environment. */
function detachedSleep(env: Record<string, string> = {}): ChildProcess {
  const c = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  c.unref();
  return c;
}

/** The group keeper an engine process started: its child running group-keeper.mjs. */
function keeperOf(engine: number): number | null {
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${e}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (ppid === engine && readFileSync(`/proc/${e}/cmdline`, 'utf8').includes('group-keeper.mjs')) return Number(e);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

describe('the group keeper', () => {
  const KEEPER = join(PROJECT, 'src', 'engine', 'run', 'group-keeper.mjs');

  /** Starts a keeper with `mark`, tells it `told`, then closes its channel as an engine's death would. */
  async function keeperOutlives(mark: string, told: number[]): Promise<void> {
    const k = spawn(process.execPath, [KEEPER, `${RUN_MARK}=${mark}`], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json', detached: true });
    await new Promise((r) => k.once('message', r));
    for (const pgid of told) k.send({ type: 'led', pgid });
    const exited = new Promise((r) => k.once('exit', r));
    await new Promise((r) => setTimeout(r, 100)); // the messages are read before the channel closes
    k.disconnect();
    await exited;
  }

  test('kills a group it was never told of when a process of it carries the engine\'s mark (a stage killed with its engine before the keeper heard of it), and nothing unmarked', async () => {
    const marked = detachedSleep({ [RUN_MARK]: 'test.1' });
    const otherMark = detachedSleep({ [RUN_MARK]: 'test.2' });
    const unmarked = detachedSleep();
    try {
      await keeperOutlives('test.1', []);
      await waitFor(() => gone(marked.pid!), 'the marked, untold group to die', 3000);
      expect(gone(otherMark.pid!)).toBe(false);
      expect(gone(unmarked.pid!)).toBe(false);
    } finally {
      for (const c of [marked, otherMark, unmarked]) c.kill('SIGKILL');
    }
  });

  test('kills a group it was told of even when no process of it carries the mark (the portable path)', async () => {
    const told = detachedSleep();
    try {
      await keeperOutlives('test.3', [told.pid!]);
      await waitFor(() => gone(told.pid!), 'the told group to die', 3000);
    } finally {
      told.kill('SIGKILL');
    }
  });

  test('a keeper killed while a stage runs is replaced: SIGKILL of grokpipe afterwards still leaves no stage process', async () => {
    const { repo } = await builtRepo();
    const child = spawnCli(repo, 'repro');
    await waitFor(() => repo.exists('bg.pid') && repo.read('bg.pid').trim() !== '', 'the stage to start');
    const { shell, bg } = pids(repo);
    const first = keeperOf(child.pid!);
    expect(first).not.toBeNull();
    process.kill(first!, 'SIGKILL');
    await waitFor(() => { const k = keeperOf(child.pid!); return k !== null && k !== first; }, 'a new keeper', 10000);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await waitFor(() => gone(shell) && gone(bg), 'the orphaned stage processes to die', 5000).catch((e: Error) => {
      throw new Error(`${e.message}: shell ${describeProcess(shell)}, background ${describeProcess(bg)}`);
    });
    rmSync(join(repo.dir, 'hang'));
  }, 30000);

  test('SIGKILL of grokpipe while a module stage busy-loops (it cannot read that its engine went): the worker and its children die', async () => {
    const repo = makeRepo({ 'pipeline.yaml': 'version: 1\nstages:\n  busy:\n    uses: stages/busy.ts\n', 'stages/busy.ts': BUSY });
    const child = spawnCli(repo, 'repro');
    await waitFor(() => busyPids(repo) !== null, 'the stage to start');
    const [worker, sleeper] = busyPids(repo)!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await waitFor(() => gone(worker) && gone(sleeper), 'the busy worker and its child to die', 5000).catch((e: Error) => {
      throw new Error(`${e.message}: worker ${describeProcess(worker)}, child ${describeProcess(sleeper)}`);
    });
  }, 30000);
});

function readdir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
