/**
 * repro: bring the selected instances up to date. For each instance, in dependency order and up to
 * `jobs` runs at a time: compute its key from the code closure, params, compute identity and upstream
 * output hashes; if its folder already holds that key, nothing to do; if the store has a run record
 * for the key, restore it (every byte re-hashed); otherwise run it in a child process, store the
 * outputs, replace its folder atomically and record it in grokpipe.lock.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanArtifactLeftovers, installInstance, instanceDir, manifestIsTrusted, readManifest, type Manifest } from '../store/artifacts.ts';
import { assessAll, inputsComponent, type Assessment } from './assess.ts';
import { keyOf, type KeyComponents } from '../keys/instance-key.ts';
import { lockedWithKey, readLock, writeLock, type LockEntry } from '../store/lock-file.ts';
import type { RunRecord } from '../store/object-store.ts';
import type { Instance } from '../pipeline/plan.ts';
import type { PreparedInstance } from '../keys/prepare.ts';
import { silentReporter, type Outcome, type Reporter, type Summary } from '../ui/reporter.ts';
import { acquireRunLock } from '../store/run-lock.ts';
import { stopReason, type RunResult } from '../run/executor.ts';
import { noteDoing } from '../crash-context.ts';
import { formatDuration } from '../duration.ts';
import { faultCode, faultSentence } from '../fs-faults.ts';
import { openRunTmp } from '../store/run-tmp.ts';
import { StageOutput } from '../run/stage-output.ts';
import type { Executor } from '../run/executor.ts';
import { createExecutor, DEFAULT_EXECUTOR, defaultSlots, type ExecutorName } from '../run/executors.ts';
import { closureChanges } from '../hashing/closure-drift.ts';
import { watchOutside } from '../run/outside-writes.ts';
import { moduleRunRequest } from '../run/run-request.ts';
import { removeViews } from '../run/input-view.ts';
import { collectOutputs, commandArgv, inputSpecs } from '../run/stage-io.ts';
import { executorSettings, openWorkspace, type OpenOptions, type Workspace } from './workspace.ts';

export interface ReproOptions extends OpenOptions {
  dryRun?: boolean;
  force?: boolean;
  jobs?: number;
  keepGoing?: boolean;
  /** Wait for another repro in this repository instead of refusing. */
  wait?: boolean;
  reporter?: Reporter;
  /**
   * Where instances run (run/executors.ts); local child processes when absent. Built once, after the run
   * lock is taken and only when something may run (not for --dry-run).
   */
  executor?: ExecutorName;
  signal?: AbortSignal;
  /** The command line, recorded in the run lock for a second process's message. */
  command?: string;
}

export interface ReproResult {
  summary: Summary;
  outcomes: Map<string, Outcome>;
  /** For --dry-run: what would happen to each instance. */
  plan?: Assessment[];
  exitCode: number;
}

/**
 * At most `size` instances run at once. A free slot goes to the waiting instance that comes first in the
 * plan (declaration order, dependencies first), not to the one that became ready first: pipeline.yaml
 * lists long stages early so that they start early, and an instance that was ready sooner but declared
 * later must not jump ahead of them.
 */
class Pool {
  private free: number;
  private readonly waiting: Array<{ priority: number; wake: () => void }> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(priority: number): Promise<() => void> {
    if (this.free > 0) this.free--;
    else {
      await new Promise<void>((wake) => {
        let at = this.waiting.length;
        while (at > 0 && this.waiting[at - 1].priority > priority) at--;
        this.waiting.splice(at, 0, { priority, wake });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot on one macrotask later: the instances that the finished one unblocks resolve their
      // dependencies in microtasks and queue first, so they compete for this slot by their plan position.
      setImmediate(() => {
        const next = this.waiting.shift();
        if (next) next.wake();
        else this.free++;
      });
    };
  }
}

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
  const { root, plan, store, cache, prepared } = ws;
  cleanArtifactLeftovers(root);
  const runTmp = openRunTmp(root);
  const tmpBase = runTmp.dir;
  const logDir = join(root, '.grokpipe', 'logs');
  mkdirSync(logDir, { recursive: true });

  const lock = ws.lock;
  // A run with --set overrides is not the profile: its results go to artifacts/ and the store, never into
  // grokpipe.lock, so the lock keeps the profile's own results (what verify and gc go by; docs/pipeline.md).
  const recordsLock = !options.set?.length;
  if (!recordsLock) reporter.warn(`--set ${options.set!.join(' ')}: results are not recorded in grokpipe.lock (they are not profile ${plan.profile}'s); verify keeps checking the profile's recorded results`);
  const section: Record<string, LockEntry> = (lock.profiles[plan.profile] ??= {});
  let lockDirty = false;
  let lastLockWrite = performance.now();
  const flushLock = (force: boolean) => {
    if (!lockDirty) return;
    if (!force && performance.now() - lastLockWrite < 2000) return;
    writeLock(root, lock);
    lockDirty = false;
    lastLockWrite = performance.now();
  };
  const record = (name: string, key: string, outputs: Record<string, string>) => {
    if (!recordsLock) return;
    const old = section[name];
    if (old && old.key === key && JSON.stringify(old.outputs) === JSON.stringify(outputs)) return;
    section[name] = { key, outputs };
    lockDirty = true;
    flushLock(false);
  };

  const jobs = executor.slots;
  const pool = new Pool(jobs);
  const planIndex = new Map(plan.instances.map((inst, i) => [inst.name, i]));
  const abort = new AbortController();
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  let stopping = false;
  const outcomes = new Map<string, Outcome>();
  const outputsOf = new Map<string, Record<string, string>>();
  const promises = new Map<string, Promise<boolean>>();
  /** Runs in flight by key, so that equal keys run once and the others restore. */
  const inflight = new Map<string, Promise<boolean>>();

  reporter.begin({ profile: plan.profile, total: ws.selected.length, jobs, executor: executor.name });

  const finish = (name: string, o: Outcome): boolean => {
    outcomes.set(name, o);
    reporter.finish(name, o);
    const ok = o.status === 'ran' || o.status === 'restored' || o.status === 'up-to-date';
    if (o.status === 'failed' && !options.keepGoing) stopping = true;
    return ok;
  };

  const restore = (p: PreparedInstance, key: string, components: KeyComponents, why?: string): 'ok' | 'absent' | 'corrupt' => {
    const rec = store.readRecord(key);
    if (!rec) return 'absent';
    const name = p.instance.name;
    const start = performance.now();
    reporter.start(name, 'restore');
    const staged = mkdtempSync(join(tmpBase, 'restore-'));
    const r = store.restoreInto(rec.outputs, staged);
    if (!r.ok) {
      rmSync(staged, { recursive: true, force: true });
      if (r.corrupt) {
        reporter.warn(`store object ${r.corrupt.expected.slice(0, 12)}… (${r.corrupt.file} of ${name}) is corrupt: expected sha256 ${r.corrupt.expected}, found ${r.corrupt.found}; rebuilding`);
        store.quarantine(r.corrupt.expected);
      } else {
        reporter.warn(`store object for ${r.missing} of ${name} is missing; rebuilding`);
      }
      return 'corrupt';
    }
    const manifest: Manifest = { format: 1, instance: name, stage: p.instance.stage, key, outputs: rec.outputs, components, durationMs: rec.durationMs, producedBy: rec.instance, how: 'restored' };
    installInstance(root, staged, manifest);
    for (const f of Object.keys(rec.outputs)) cache.forget(join(instanceDir(root, name), f));
    outputsOf.set(name, rec.outputs);
    record(name, key, rec.outputs);
    finish(name, { status: 'restored', ms: performance.now() - start, reason: why });
    return 'ok';
  };

  // What a running stage must not write (outside-writes.ts): every code file of the plan and the pipeline.
  const pipelineFiles = [...new Set([...[...prepared.closures.values()].flatMap((c) => Object.keys(c.files)), 'pipeline.yaml', 'package.json'])];
  let running = 0;
  let lastOverlapEnd = 0;
  /** True when another run ended after `start` (it overlapped this one). */
  const concurrentSince = (start: number) => lastOverlapEnd > start;
  // The upstream instances' own folders (the stage reads copies, but can reach artifacts/ by path).
  const upstreamFiles = (inst: Instance) => inst.deps.flatMap((d) => d.instances).flatMap((u) => Object.keys(outputsOf.get(u) ?? {}).map((f) => join(instanceDir(root, u), f)));

  const runInstance = async (p: PreparedInstance, key: string, components: KeyComponents): Promise<boolean> => {
    const name = p.instance.name;
    const release = await pool.acquire(planIndex.get(name) ?? Number.MAX_SAFE_INTEGER);
    try {
      if (stopping || abort.signal.aborted) {
        return finish(name, { status: 'skipped', reason: abort.signal.aborted ? 'interrupted' : 'not started: an earlier instance failed (use --keep-going to run everything independent of it)' });
      }
      const outDir = mkdtempSync(join(tmpBase, 'run-'));
      // Output goes to the log file as it comes; memory holds only a bounded tail (stage-output.ts).
      const output = new StageOutput(join(logDir, `${name}.log`), reporter.wantsLog !== false ? (line) => reporter.log(name, line) : null);
      const events = { ...output.events((pr) => reporter.progress(name, pr)), state: (text: string) => reporter.state?.(name, text) };
      // This instance stops on Ctrl-C / SIGTERM (the run's signal) or when its stage's timeout: expires.
      const stop = new AbortController();
      const onAbort = () => stop.abort('interrupted');
      if (abort.signal.aborted) onAbort();
      else abort.signal.addEventListener('abort', onAbort, { once: true });
      const timeoutMs = p.stage.timeoutMs;
      const timer = timeoutMs ? setTimeout(() => stop.abort('timeout'), timeoutMs) : null;
      const start = performance.now();
      reporter.start(name, 'run');
      const views = mkdtempSync(join(tmpBase, 'inputs-'));
      const inputs = inputSpecs(prepared, p.instance, (u) => instanceDir(root, u), (u) => outputsOf.get(u)!, views);
      const watch = watchOutside(root, upstreamFiles(p.instance), pipelineFiles);
      running++;
      let result: RunResult;
      if (p.stage.kind === 'module') {
        const request = moduleRunRequest(root, p, inputs, outDir);
        result = await executor.run({ instance: name, stage: p.instance.stage, work: { kind: 'module', request }, outDir }, events, stop.signal);
      } else {
        const argv = commandArgv(p.instance.command!, inputs, outDir);
        result = typeof argv === 'string' ? { ok: false, reason: argv, detail: [] } : await executor.run({ instance: name, stage: p.instance.stage, work: { kind: 'cmd', argv }, outDir }, events, stop.signal);
      }
      const ms = performance.now() - start;
      removeViews(views);
      const beside = --running > 0 || concurrentSince(start);
      lastOverlapEnd = performance.now();
      if (timer) clearTimeout(timer);
      abort.signal.removeEventListener('abort', onAbort);
      output.close();
      const stopped = result.ok ? undefined : stopReason(stop.signal);
      if (stopped) {
        rmSync(outDir, { recursive: true, force: true });
        if (stopped === 'interrupted') return finish(name, { status: 'interrupted', ms, reason: 'stopped by Ctrl-C or SIGTERM; nothing was stored' });
        return finish(name, {
          status: 'failed',
          ms,
          reason: `timed out after ${formatDuration(timeoutMs!)} (the \`timeout:\` of stage ${p.instance.stage}); its processes were stopped and nothing was stored`,
          detail: [...(result.ok ? [] : result.detail), `(full log: .grokpipe/logs/${name}.log)`],
        });
      }
      if (output.logProblem) reporter.warn(output.logProblem);
      const outside = watch.check();
      const who = beside ? `${name} (or a stage running beside it)` : name;
      for (const f of outside.created) reporter.warn(`\`${f}\` appeared at the top of the repository while ${who} ran: a stage should write only inside its output folder (ctx.outDir, \${out})`);
      // The stage's own code is checked below (closureChanges fails the instance); the rest is a warning.
      for (const f of outside.code.filter((c) => !(c in components.code))) reporter.warn(`${f} changed while ${who} ran (an edit, or a stage writing outside its output folder); the stages that use it rerun next time`);
      if (result.ok && outside.inputs.length) {
        result = {
          ok: false,
          reason: `${outside.inputs[0]} (an input of ${name}) changed while ${who} ran: a stage may write only inside its output folder (ctx.outDir, \${out}); its outputs are not stored, and the next repro restores the input from the store`,
          detail: outside.inputs.slice(0, 10),
        };
      }
      if (result.ok) {
        const changed = closureChanges(root, { ...components.code, ...components.files }, cache);
        if (changed.length) {
          const short = (sha: string) => (sha.length > 12 ? sha.slice(0, 12) : sha);
          result = {
            ok: false,
            reason: `${changed[0].file} changed while ${name} ran; its key was computed from the old content, so its outputs are not stored. Run grokpipe repro again`,
            detail: changed.map((c) => `${c.file}: ${short(c.planned)} when planned, ${short(c.now)} now`),
          };
        }
      }
      if (result.ok) {
        const collected = collectOutputs(outDir, p);
        if (typeof collected === 'string') result = { ok: false, reason: collected, detail: [] };
        else {
          try {
            for (const [file, sha] of Object.entries(collected)) store.putFile(join(outDir, file), sha);
            const rec: RunRecord = { format: 1, key, instance: name, stage: p.instance.stage, components, outputs: collected, durationMs: Math.round(ms) };
            store.writeRecord(rec);
            const manifest: Manifest = { format: 1, instance: name, stage: p.instance.stage, key, outputs: collected, components, durationMs: Math.round(ms), producedBy: name, how: 'ran' };
            installInstance(root, outDir, manifest);
          } catch (e) {
            if (!faultCode(e)) throw e;
            // A full disk fails everything after it: stop starting work, keep what is stored.
            rmSync(outDir, { recursive: true, force: true });
            stopping = true;
            return finish(name, { status: 'failed', ms, reason: `${faultSentence(e, `storing the outputs of ${name}`)}; nothing of this run was recorded`, detail: [] });
          }
          for (const f of Object.keys(collected)) cache.forget(join(instanceDir(root, name), f));
          outputsOf.set(name, collected);
          record(name, key, collected);
          return finish(name, { status: 'ran', ms });
        }
      }
      rmSync(outDir, { recursive: true, force: true });
      return finish(name, { status: 'failed', ms, reason: result.reason, detail: [...result.detail, `(full log: .grokpipe/logs/${name}.log)`] });
    } catch (e) {
      if (!faultCode(e)) throw noteDoing(e, `running ${name}`);
      stopping = true;
      return finish(name, { status: 'failed', reason: faultSentence(e, `running ${name}`), detail: [] });
    } finally {
      release();
    }
  };

  const processInstance = async (inst: Instance): Promise<boolean> => {
    try {
      return await processInstanceUnguarded(inst);
    } catch (e) {
      // A machine fault (full disk, read-only folder) fails this instance cleanly and stops the run;
      // anything else is a bug: it is annotated with the instance for the crash report.
      if (!faultCode(e)) throw noteDoing(e, `bringing ${inst.name} up to date`);
      stopping = true;
      return finish(inst.name, { status: 'failed', reason: faultSentence(e, `restoring or recording ${inst.name}`), detail: [] });
    }
  };

  const processInstanceUnguarded = async (inst: Instance): Promise<boolean> => {
    const ups = inst.deps.flatMap((d) => d.instances);
    const results = await Promise.all(ups.map((u) => promises.get(u)!));
    const name = inst.name;
    const failedUp = ups.filter((_u, i) => !results[i]);
    if (failedUp.length) return finish(name, { status: 'skipped', reason: `upstream ${failedUp[0]} did not succeed` });
    const p = prepared.byName.get(name)!;
    const inputs = inputsComponent(inst, (u) => outputsOf.get(u)!);
    if (typeof inputs === 'string') return finish(name, { status: 'failed', reason: inputs });
    const components: KeyComponents = { ...p.fixed, inputs };
    const key = keyOf(components);
    if (!options.force) {
      const manifest = readManifest(root, name);
      if (manifestIsTrusted(root, manifest, key, cache, { record: store.readRecord(key), locked: lockedWithKey(lock, name, key) })) {
        outputsOf.set(name, manifest!.outputs);
        record(name, key, manifest!.outputs);
        return finish(name, { status: 'up-to-date' });
      }
    }
    const running = inflight.get(key);
    if (running) {
      if (!(await running)) return finish(name, { status: 'skipped', reason: 'an instance with the same key failed' });
      if (restore(p, key, components, 'same key as an instance that just ran') === 'ok') return true;
    } else if (!options.force) {
      const r = restore(p, key, components);
      if (r === 'ok') return true;
    }
    const job = runInstance(p, key, components);
    inflight.set(key, job);
    return job;
  };

  // A bug in one instance stops the others and is rethrown only once all of them have ended, so that
  // nothing below (the lock write, removing the scratch folder) runs under a still-running sibling.
  let firstError: { e: unknown } | null = null;
  for (const inst of ws.selected) {
    const pr = processInstance(inst);
    pr.catch((e: unknown) => {
      if (firstError) return;
      firstError = { e };
      stopping = true;
      abort.abort('interrupted');
    });
    promises.set(inst.name, pr);
  }
  try {
    await Promise.allSettled(promises.values());
    if (firstError) throw (firstError as { e: unknown }).e;
  } finally {
    if (recordsLock && !options.targets?.length) {
      const names = new Set(plan.instances.map((i) => i.name));
      for (const n of Object.keys(section)) if (!names.has(n)) (delete section[n], (lockDirty = true));
    }
    try {
      flushLock(true);
    } finally {
      runTmp.remove();
    }
  }

  const count = (s: Outcome['status']) => [...outcomes.values()].filter((o) => o.status === s).length;
  const summary: Summary = { profile: plan.profile, ran: count('ran'), restored: count('restored'), upToDate: count('up-to-date'), failed: count('failed'), skipped: count('skipped'), interrupted: count('interrupted'), wallMs: performance.now() - t0 };
  reporter.end(summary);
  return { summary, outcomes, exitCode: summary.failed + summary.skipped + summary.interrupted! > 0 ? 1 : 0 };
}

