/**
 * The Slurm executor: each instance handed over is one sbatch job that runs slurm-job.ts (and through it
 * the same worker as the local pool) on a compute node. The job and the coordinator share only the
 * filesystem: the job writes its outputs into the instance's folder under .grokpipe/, appends its log and
 * progress to an events file and finally writes a result marker. The coordinator polls the states of all
 * of this run's jobs with one squeue call per interval (sacct for jobs that left squeue, where accounting
 * exists); the marker is the final word on success, Slurm's state names what went wrong otherwise.
 *
 * Requirement: the compute nodes see this repository at the same path (NFS, Lustre, ...). Before the first
 * job, a probe job checks that it can read a file the coordinator has just written.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Executor, ExecutorEvents, InstanceRun, RunResult } from '../executor.ts';
import { resourceArgs, slurmSettings, type SlurmSettings } from './slurm-config.ts';
import type { SlurmJobMarker, SlurmJobSpec } from './slurm-job.ts';
import { accountingStates, cancelJobs, NODE_FAILURE_STATES, parseJobId, queueStates, requireSlurmCommands, runProgram, TERMINAL_STATES, type JobState } from './slurm-queue.ts';
import type { Progress } from '../../stage.ts';

// slurm-job.js beside the compiled engine (dist/), slurm-job.ts beside the sources (src/).
const JOB_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './slurm-job.ts' : './slurm-job.js', import.meta.url));
/** How often markers and events files are read (cheap, local to the coordinator). */
const TICK_MS = 250;
/**
 * After Slurm says a job ended, how long its marker may take to become visible here (the attribute
 * caches of NFS clients hold a stale view for a few seconds).
 */
const MARKER_GRACE_MS = 5000;

interface Job {
  n: number;
  run: InstanceRun;
  events: ExecutorEvents;
  settle: (r: RunResult) => void;
  files: { spec: string; events: string; marker: string; out: string; script: string };
  jobId: string;
  attempts: number;
  state: string;
  reason: string;
  eventsAt: number;
  /** When the job was first seen in a terminal state (or missing from the queue) without a marker. */
  endedAt?: number;
  /** A failed marker waits for Slurm's terminal state (to name it) until this time. */
  failedMarker?: { marker: SlurmJobMarker; until: number };
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function tsxLoaderUrl(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkg), 'dist', 'loader.mjs')).href;
}

/** File-name-safe form of an instance name (`cell[p=59,rho=1.15]` -> `cell_p=59,rho=1.15_`). */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.,=+-]/g, '_').slice(0, 120);
}

/** Why a job that ended without a result did so, in words a user can act on. */
function explainState(state: string): string {
  switch (state) {
    case 'CANCELLED':
      return 'cancelled from outside (scancel or an administrator)';
    case 'TIMEOUT':
      return 'it ran past its time limit; raise the stage\'s resources.time';
    case 'OUT_OF_MEMORY':
      return 'it ran out of memory; raise the stage\'s resources.memory';
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return 'its node failed';
    case 'PREEMPTED':
      return 'preempted by a higher-priority job';
    case 'COMPLETED':
      return 'the job ended but its result is not visible here: do the compute nodes see this repository at the same path (a shared filesystem)?';
    default:
      return 'see the Slurm log';
  }
}

/** What the Slurm executor needs of a run: where the repository is, the project's Slurm settings, each stage's `timeout:`. */
export interface SlurmRunSettings {
  root: string;
  settings: SlurmSettings;
  timeoutMsOf: (stage: string) => number | null | undefined;
}

export async function slurmExecutor(run: SlurmRunSettings, slots: number, warn: (m: string) => void = () => {}): Promise<Executor> {
  await requireSlurmCommands();
  const { settings, root } = run;
  const runName = `grokpipe-${randomBytes(4).toString('hex')}`;
  const runDir = join(root, '.grokpipe', 'slurm', runName);
  mkdirSync(runDir, { recursive: true });
  const rel = (p: string) => relative(root, p);
  const loader = tsxLoaderUrl();
  const jobs = new Map<Job, true>();
  let counter = 0;
  let timer: NodeJS.Timeout | null = null;
  let lastPoll = 0;
  let polling = false;
  let sacctAvailable = true;
  let probe: Promise<string | null> | null = null;
  /** Set when the run is interrupted or closed: a waiting probe gives up. */
  let stopped = false;
  const cancelling: Array<Promise<unknown>> = [];
  /** Job ids of this run still in Slurm's hands, cancelled on Ctrl-C and at close. */
  const live = new Set<string>();

  /**
   * A stage's resources; without a time limit of its own, a stage's `timeout:` (plus a minute for the
   * job to start and the coordinator to stop it first) keeps a forgotten job from holding a node forever.
   */
  const resourcesOf = (stage: string) => {
    const r = settings.resources.get(stage) ?? {};
    const timeout = run.timeoutMsOf(stage);
    return r.timeMs === undefined && timeout ? { ...r, timeMs: timeout + 60_000 } : r;
  };

  const sbatch = async (name: string, script: string, out: string, extra: string[]): Promise<{ id: string } | { refused: string; argv: string[] }> => {
    const argv = ['--parsable', `--job-name=${runName}`, `--output=${out}`, `--chdir=${root}`, ...extra, script];
    const r = await runProgram('sbatch', argv);
    const id = r.code === 0 ? parseJobId(r.stdout) : null;
    if (id) {
      live.add(id);
      return { id };
    }
    const said = (r.stderr || r.stdout).trim().split('\n').filter(Boolean);
    return { refused: said.join('; ') || `sbatch exited with code ${r.code}`, argv: [`sbatch ${argv.join(' ')}`, `(for ${name})`] };
  };

  /** A tiny first job: can a compute node run this node.js and read a file written here a moment ago? */
  const runProbe = async (): Promise<string | null> => {
    const token = randomBytes(8).toString('hex');
    const tokenFile = join(runDir, 'probe.token');
    const seen = join(runDir, 'probe.seen');
    const script = join(runDir, 'probe.sh');
    writeFileSync(tokenFile, token);
    writeFileSync(script, `#!/bin/sh\nexec ${quote(process.execPath)} -e ${quote('const fs=require("fs");fs.writeFileSync(process.argv[2],fs.readFileSync(process.argv[1],"utf8")+" "+require("os").hostname())')} ${quote(tokenFile)} ${quote(seen)}\n`);
    const sub = await sbatch('the probe job', script, join(runDir, 'probe.out'), [...resourceArgs(settings, { cpus: 1, timeMs: 60_000 })]);
    if ('refused' in sub) return `Slurm refused the probe job: ${sub.refused}`;
    let endedAt: number | undefined;
    let last = 0;
    let shown = '';
    let warned = false;
    const submittedAt = performance.now();
    for (;;) {
      if (existsSync(seen) && readFileSync(seen, 'utf8').startsWith(token)) {
        live.delete(sub.id);
        return null;
      }
      if (stopped) return 'interrupted';
      const now = performance.now();
      if (now - last >= Math.min(settings.pollMs, 1000)) {
        last = now;
        const st = (await queueStates(runName))?.get(sub.id);
        // A probe that waits in the queue for long delays the whole run: say so once.
        if (st?.state === 'PENDING' && !warned && now - submittedAt > 10_000) {
          warned = true;
          warn(`waiting for the Slurm probe job ${sub.id} (PENDING${st.reason ? `: ${st.reason}` : ''}); it checks that the compute nodes see this repository`);
        }
        if (st) shown = st.state;
        if ((!st || TERMINAL_STATES.has(st.state)) && endedAt === undefined) endedAt = now;
      }
      if (endedAt !== undefined && now - endedAt > MARKER_GRACE_MS) {
        live.delete(sub.id);
        const log = existsSync(join(runDir, 'probe.out')) ? readFileSync(join(runDir, 'probe.out'), 'utf8').trim() : '';
        return `the Slurm probe job ${sub.id} ended${shown ? ` ${shown}` : ''} without showing that a compute node can read ${rel(tokenFile)}: grokpipe needs the compute nodes to see this repository (${root}) at the same path, on a shared filesystem, and to run ${process.execPath}${log ? `; its log says: ${log.split('\n').slice(-3).join(' / ')}` : ''}`;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
  };

  const finish = (job: Job, result: RunResult) => {
    if (!jobs.delete(job)) return;
    live.delete(job.jobId);
    drainEvents(job);
    if (result.ok) {
      for (const f of Object.values(job.files)) rmSync(f, { force: true });
    } else {
      result = { ...result, detail: [...result.detail, `(Slurm log: ${rel(job.files.out)})`] };
    }
    job.settle(result);
    if (jobs.size === 0 && timer) (clearInterval(timer), (timer = null));
  };

  const drainEvents = (job: Job) => {
    let fd: number;
    try {
      fd = openSync(job.files.events, 'r');
    } catch {
      return;
    }
    try {
      const size = statSync(job.files.events).size;
      if (size <= job.eventsAt) return;
      const buf = Buffer.alloc(size - job.eventsAt);
      readSync(fd, buf, 0, buf.length, job.eventsAt);
      const text = buf.toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0) return;
      job.eventsAt += Buffer.byteLength(text.slice(0, end + 1));
      for (const line of text.slice(0, end).split('\n')) {
        try {
          const e = JSON.parse(line) as { log?: string; progress?: Progress };
          if (e.log !== undefined) job.events.log(e.log);
          else if (e.progress) job.events.progress(e.progress);
        } catch {
          job.events.log(line);
        }
      }
    } finally {
      closeSync(fd);
    }
  };

  const readMarker = (job: Job): SlurmJobMarker | null => {
    if (!existsSync(job.files.marker)) return null;
    try {
      return JSON.parse(readFileSync(job.files.marker, 'utf8')) as SlurmJobMarker;
    } catch {
      return null;
    }
  };

  const setState = (job: Job, st: JobState) => {
    if (st.state === job.state && st.reason === job.reason) return;
    job.state = st.state;
    job.reason = st.reason;
    const why = st.state === 'PENDING' && st.reason ? ` (${st.reason})` : '';
    job.events.state?.(`${st.state} job ${job.jobId}${why}`);
  };

  const submit = async (job: Job): Promise<RunResult | null> => {
    job.attempts++;
    rmSync(job.files.marker, { force: true });
    rmSync(job.files.events, { force: true });
    job.eventsAt = 0;
    job.endedAt = undefined;
    job.failedMarker = undefined;
    const sub = await sbatch(job.run.instance, job.files.script, job.files.out, resourceArgs(settings, resourcesOf(job.run.stage)));
    if ('refused' in sub) {
      const hint = /memory|node configuration|cpu/i.test(sub.refused) ? `no node can satisfy it: lower resources of stage \`${job.run.stage}\` in pipeline.yaml (\`sinfo -o "%N %c %m"\` lists the nodes)` : 'check the executor: slurm: section and the stage\'s resources: in pipeline.yaml';
      return { ok: false, reason: `Slurm refused the job: ${sub.refused}`, detail: [...sub.argv, hint] };
    }
    job.jobId = sub.id;
    setState(job, { state: 'SUBMITTED', reason: '' });
    return null;
  };

  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const now = performance.now();
      for (const job of [...jobs.keys()]) {
        drainEvents(job);
        const marker = job.failedMarker?.marker ?? readMarker(job);
        if (marker?.ok) {
          finish(job, { ok: true });
        } else if (marker && !marker.ok) {
          job.failedMarker ??= { marker, until: now + 2 * settings.pollMs + MARKER_GRACE_MS };
          if (TERMINAL_STATES.has(job.state) || now > job.failedMarker.until) {
            finish(job, { ok: false, reason: `Slurm job ${job.jobId} ${job.state} on ${marker.host}: ${marker.reason}`, detail: marker.detail });
          }
        }
      }
      if (jobs.size === 0 || now - lastPoll < settings.pollMs) return;
      lastPoll = now;
      const states = await queueStates(runName);
      if (!states) return;
      const missing = [...jobs.keys()].filter((j) => !states.has(j.jobId));
      if (missing.length && sacctAvailable) {
        const acct = await accountingStates(runName);
        if (acct) for (const [id, st] of acct) if (!states.has(id)) states.set(id, st);
        else sacctAvailable = false;
      }
      for (const job of [...jobs.keys()]) {
        const st = states.get(job.jobId);
        if (st) setState(job, st);
        const ended = !st || TERMINAL_STATES.has(st.state);
        if (!ended) job.endedAt = undefined;
        if (!ended || job.failedMarker) continue;
        if (readMarker(job)) continue;
        job.endedAt ??= performance.now();
        if (performance.now() - job.endedAt < MARKER_GRACE_MS) continue;
        const state = st?.state ?? 'UNKNOWN';
        if (NODE_FAILURE_STATES.has(state) && job.attempts <= settings.nodeFailureRetries) {
          warn(`Slurm job ${job.jobId} (${job.run.instance}) ended ${state}; resubmitting (attempt ${job.attempts + 1} of ${settings.nodeFailureRetries + 1})`);
          live.delete(job.jobId);
          const refused = await submit(job);
          if (refused) finish(job, refused);
          continue;
        }
        const reason = st
          ? `Slurm job ${job.jobId} ended ${state} without a result: ${explainState(state)}`
          : `Slurm job ${job.jobId} left the queue without a result (squeue no longer lists it${sacctAvailable ? ', nor does sacct' : ' and accounting is not available'}); ${explainState('COMPLETED')}`;
        finish(job, { ok: false, reason, detail: job.attempts > 1 ? [`submitted ${job.attempts} times`] : [] });
      }
    } finally {
      polling = false;
    }
  };

  /** Ids to cancel, gathered for one scancel call per tick. */
  let toCancel: string[] = [];
  const cancelSoon = (id: string) => {
    if (toCancel.push(id) === 1) {
      setImmediate(() => {
        const ids = toCancel;
        toCancel = [];
        cancelling.push(cancelJobs(ids));
      });
    }
  };

  return {
    name: 'slurm',
    slots,
    async run(run: InstanceRun, events: ExecutorEvents, signal: AbortSignal): Promise<RunResult> {
      probe ??= runProbe();
      const onProbeAbort = () => (stopped = true);
      signal.addEventListener('abort', onProbeAbort, { once: true });
      const problem = await probe;
      signal.removeEventListener('abort', onProbeAbort);
      if (problem) return { ok: false, reason: problem === 'interrupted' ? 'interrupted before the Slurm probe job finished' : problem, detail: [] };
      if (signal.aborted) return { ok: false, reason: 'interrupted', detail: [] };
      const n = ++counter;
      const base = join(runDir, `${n}-${safeName(run.instance)}`);
      const files = { spec: `${base}.job.json`, events: `${base}.events`, marker: `${base}.result.json`, out: `${base}.out`, script: `${base}.sh` };
      const spec: SlurmJobSpec = { root, work: run.work, events: files.events, marker: files.marker };
      writeFileSync(files.spec, JSON.stringify(spec));
      writeFileSync(files.script, `#!/bin/sh\n# ${run.instance}\nexec ${quote(process.execPath)} --import ${quote(loader)} ${quote(JOB_ENTRY)} ${quote(files.spec)}\n`);
      return new Promise<RunResult>((resolve) => {
        const job: Job = { n, run, events, settle: resolve, files, jobId: '', attempts: 0, state: '', reason: '', eventsAt: 0 };
        const onAbort = () => {
          if (!jobs.has(job)) return;
          if (job.jobId) cancelSoon(job.jobId);
          finish(job, { ok: false, reason: `interrupted: Slurm job ${job.jobId} cancelled (scancel ${job.jobId})`, detail: [] });
        };
        void submit(job).then((refused) => {
          if (refused) return resolve(refused);
          jobs.set(job, true);
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          timer ??= setInterval(() => void poll(), TICK_MS);
        });
      });
    },
    async close() {
      stopped = true;
      if (timer) (clearInterval(timer), (timer = null));
      const ids = [...live, ...toCancel];
      toCancel = [];
      live.clear();
      if (ids.length) cancelling.push(cancelJobs(ids));
      await Promise.all(cancelling);
      for (const job of [...jobs.keys()]) finish(job, { ok: false, reason: `Slurm job ${job.jobId} cancelled: the run ended`, detail: [] });
      for (const f of ['probe.token', 'probe.seen', 'probe.sh', 'probe.out']) rmSync(join(runDir, f), { force: true });
      try {
        if (readdirSync(runDir).length === 0) rmdirSync(runDir);
      } catch {
        // Already gone.
      }
    },
  };
}
