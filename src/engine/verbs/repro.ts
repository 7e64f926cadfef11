/**
 * repro: bring the selected instances up to date. For each instance, in dependency order and up to
 * `jobs` runs at a time: compute its key from the code closure, params, compute identity and upstream
 * output hashes; if its folder already holds that key, nothing to do; if the store has a run record
 * for the key, restore it (every byte re-hashed); otherwise run it through the executor, store the
 * outputs, replace its folder atomically and record it in grokpipe.lock (decide.ts, bring-up-to-date.ts).
 * The committed lock is evidence: outputs that differ from its entry under the same key are never stored
 * nor recorded. This file is the scheduling: dependency order, the run's stop, and the lock at the end.
 */
import { mkdirSync } from 'node:fs';
import { cleanArtifactLeftovers } from '../store/artifacts.ts';
import { logsDir } from '../dot-grokpipe.ts';
import { LockWriter } from '../store/lock-writer.ts';
import { readLock } from '../store/lock-file.ts';
import { acquireRunLock } from '../store/run-lock.ts';
import { openRunTmp } from '../store/run-tmp.ts';
import { silentReporter, type Outcome, type Reporter, type Summary } from '../ui/reporter.ts';
import type { Executor } from '../run/executor.ts';
import { createExecutor, DEFAULT_EXECUTOR, defaultSlots } from '../run/executors.ts';
import { Pool } from '../run/pool.ts';
import { assessAll, type Assessment } from './assess.ts';
import { refuseLockChanges } from './lock-keys.ts';
import { InstanceBuilder } from './bring-up-to-date.ts';
import { executorSettings, openWorkspace, type Workspace } from './workspace.ts';
import type { ReproOptions, ReproResult } from './repro-options.ts';
import { remoteReadThrough } from './remote-read-through.ts';

export type { ReproOptions, ReproResult } from './repro-options.ts';

/** How many instances run at once on this machine unless -j says otherwise. */
export function defaultJobs(): number {
  return defaultSlots(DEFAULT_EXECUTOR);
}

export async function repro(root: string, options: ReproOptions = {}): Promise<ReproResult> {
  const t0 = performance.now();
  const reporter = options.reporter ?? silentReporter;
  const ws = await openWorkspace(root, { ...options, readOnly: options.readOnly || options.dryRun });
  const executorName = options.executor ?? DEFAULT_EXECUTOR;
  const jobs = Math.max(1, options.jobs ?? defaultSlots(executorName));

  // Frozen: a dropped entry or a key that moved is refused before anything runs (lock-keys.ts), dry run
  // included; the lock writer stays the net for what only a run can find.
  if (options.frozen && !options.set?.length) {
    if (!options.targets?.length) new LockWriter(root, ws.lock, ws.plan.profile, true, true).refuseDrops(new Set(ws.plan.instances.map((i) => i.name)));
    refuseLockChanges(ws);
  }

  if (options.dryRun) {
    // A dry run writes nothing at all, not even the hash cache (a read-only checkout must work).
    const plan = assessAll(ws.prepared, ws.selected, { lock: ws.lock, store: ws.store, cache: ws.cache, why: false, force: options.force });
    const count = (s: Assessment['state']) => plan.filter((a) => a.state === s).length;
    const summary: Summary = { profile: ws.plan.profile, ran: 0, restored: 0, upToDate: count('up-to-date'), failed: 0, skipped: 0, wallMs: performance.now() - t0 };
    return { summary, outcomes: new Map(), plan, exitCode: 0 };
  }

  const runLock = await acquireRunLock(root, { wait: options.wait, command: options.command ?? 'grokpipe repro', onWait: (pid) => reporter.warn(`waiting for grokpipe pid ${pid} to finish`), onStale: (why) => reporter.warn(why), signal: options.signal });
  try {
    // Another repro may have finished while we waited for the run lock: start from its lock file.
    ws.lock = readLock(root);
    const executor = await createExecutor(executorName, executorSettings(ws, jobs, (m) => reporter.warn(m)));
    try {
      return await execute(ws, options, reporter, executor, t0);
    } finally {
      await executor.close();
    }
  } finally {
    runLock.release();
    ws.cache.save();
  }
}

async function execute(ws: Workspace, options: ReproOptions, reporter: Reporter, executor: Executor, t0: number): Promise<ReproResult> {
  const { root, plan } = ws;
  // A run with --set overrides is not the profile: its results go to artifacts/ and the store, never into
  // grokpipe.lock, so the lock keeps the profile's own results (what verify and gc go by; docs/pipeline.md).
  const recordsLock = !options.set?.length;
  if (!recordsLock) reporter.warn(`--set ${options.set!.join(' ')}: results are not recorded in grokpipe.lock (they are not profile ${plan.profile}'s); verify keeps checking the profile's recorded results`);
  const lockWriter = new LockWriter(root, ws.lock, plan.profile, recordsLock, options.frozen);
  cleanArtifactLeftovers(root);
  const runTmp = openRunTmp(root);
  const logDir = logsDir(root);
  mkdirSync(logDir, { recursive: true });

  const abort = new AbortController();
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const state = { stopping: false };
  const outcomes = new Map<string, Outcome>();
  reporter.begin({ profile: plan.profile, total: ws.selected.length, jobs: executor.slots, executor: executor.name });
  const finish = (name: string, o: Outcome): boolean => {
    outcomes.set(name, o);
    reporter.finish(name, o);
    if (o.status === 'failed' && !options.keepGoing) state.stopping = true;
    return o.status === 'ran' || o.status === 'restored' || o.status === 'up-to-date';
  };
  const builder = new InstanceBuilder({
    ws, force: !!options.force, reporter, executor, pool: new Pool(executor.slots), planIndex: new Map(plan.instances.map((inst, i) => [inst.name, i])),
    lockWriter, scratch: runTmp.dir, logDir, signal: abort.signal, state, finish,
    readThrough: options.remote ? remoteReadThrough(options.remote, ws.store, () => ws.lock, plan.profile, reporter) : null,
  });

  // A bug in one instance stops the others and is rethrown only once all of them have ended, so that
  // nothing below (the lock write, removing the scratch folder) runs under a still-running sibling.
  let firstError: { e: unknown } | null = null;
  const all = ws.selected.map((inst) =>
    builder.start(inst).catch((e: unknown) => {
      if (!firstError) firstError = { e };
      state.stopping = true;
      abort.abort('interrupted');
      return false;
    }),
  );
  try {
    await Promise.all(all);
    if (firstError) throw (firstError as { e: unknown }).e;
  } finally {
    if (!options.targets?.length) lockWriter.dropAllBut(new Set(plan.instances.map((i) => i.name)));
    try {
      lockWriter.flush(true);
    } finally {
      runTmp.remove();
    }
  }

  const count = (s: Outcome['status']) => [...outcomes.values()].filter((o) => o.status === s).length;
  const summary: Summary = { profile: plan.profile, ran: count('ran'), restored: count('restored'), upToDate: count('up-to-date'), failed: count('failed'), skipped: count('skipped'), interrupted: count('interrupted'), wallMs: performance.now() - t0 };
  reporter.end(summary);
  return { summary, outcomes, exitCode: summary.failed + summary.skipped + summary.interrupted! > 0 ? 1 : 0 };
}
