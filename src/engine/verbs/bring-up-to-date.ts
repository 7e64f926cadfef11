/**
 * Bringing one instance up to date inside a repro, once its upstream instances are: the decision
 * (decide.ts), then nothing, a restore from the store, or a run through the executor whose outputs are
 * checked, stored and recorded in the lock. Instances with equal keys run once; the others wait for that
 * run and restore its outputs. Which instance goes next, and when to stop, is repro.ts's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { differingFiles, instanceDir, sameOutputs } from '../store/artifacts.ts';
import type { LockWriter } from '../store/lock-writer.ts';
import { keepDiverged, restoreRecord, storeRun, type ResultOf } from '../store/results.ts';
import type { RunRecord } from '../store/object-store.ts';
import type { Instance } from '../pipeline/plan.ts';
import type { PreparedInstance } from '../keys/prepare.ts';
import type { Outcome, Reporter } from '../ui/reporter.ts';
import type { Executor } from '../run/executor.ts';
import type { Pool } from '../run/pool.ts';
import { checkAfterRun, RunOverlap } from '../run/after-run.ts';
import { watchOutside } from '../run/outside-writes.ts';
import { runOneInstance } from '../run/run-instance.ts';
import { noteDoing } from '../crash-context.ts';
import { formatDuration } from '../duration.ts';
import { faultCode, faultSentence } from '../fs-faults.ts';
import { decide, type Decision } from './decide.ts';
import type { Workspace } from './workspace.ts';
import type { ReadThrough } from './remote-read-through.ts';

type Keyed = Exclude<Decision, { action: 'invalid' }>;

/** What the scheduler (repro.ts) lends each instance. */
export interface BuildContext {
  ws: Workspace;
  force: boolean;
  reporter: Reporter;
  executor: Executor;
  pool: Pool;
  /** Each instance's position in the plan: its priority for a free slot. */
  planIndex: Map<string, number>;
  lockWriter: LockWriter;
  /** This process's scratch folder and the logs folder. */
  scratch: string;
  logDir: string;
  /** The run's stop (Ctrl-C, SIGTERM, a bug in a sibling). */
  signal: AbortSignal;
  /** Set when no further instance may start (a failure without --keep-going, a full disk). */
  state: { stopping: boolean };
  /** Reports an instance's outcome; true when it succeeded. */
  finish(name: string, o: Outcome): boolean;
  /** Asks the remote store for a key the local store lacks (remote-read-through.ts); none without a remote. */
  readThrough?: ReadThrough | null;
}

export class InstanceBuilder {
  private readonly outputsOf = new Map<string, Record<string, string>>();
  private readonly done = new Map<string, Promise<boolean>>();
  /** Runs in flight by key, so that equal keys run once and the others restore. */
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly overlap = new RunOverlap();
  /** What a running stage must not write (outside-writes.ts): every code file of the plan and the pipeline. */
  private readonly pipelineFiles: string[];

  constructor(private readonly b: BuildContext) {
    this.pipelineFiles = [...new Set([...[...b.ws.prepared.closures.values()].flatMap((c) => Object.keys(c.files)), 'pipeline.yaml', 'package.json'])];
  }

  /** Starts bringing `inst` up to date once its upstream instances are; resolves true on success. */
  start(inst: Instance): Promise<boolean> {
    const pr = this.guarded(inst);
    this.done.set(inst.name, pr);
    return pr;
  }

  private async guarded(inst: Instance): Promise<boolean> {
    try {
      return await this.bring(inst);
    } catch (e) {
      // A machine fault (full disk, read-only folder) fails this instance cleanly and stops the run;
      // anything else is a bug: it is annotated with the instance for the crash report.
      if (!faultCode(e)) throw noteDoing(e, `bringing ${inst.name} up to date`);
      this.b.state.stopping = true;
      return this.b.finish(inst.name, { status: 'failed', reason: faultSentence(e, `restoring or recording ${inst.name}`), detail: [] });
    }
  }

  private async bring(inst: Instance): Promise<boolean> {
    const { ws, finish } = this.b;
    const ups = inst.deps.flatMap((d) => d.instances);
    const results = await Promise.all(ups.map((u) => this.done.get(u)!));
    const name = inst.name;
    const failedUp = ups.filter((_u, i) => !results[i]);
    if (failedUp.length) return finish(name, { status: 'skipped', reason: `upstream ${failedUp[0]} did not succeed` });
    const p = ws.prepared.byName.get(name)!;
    const decideNow = () => decide(p, (u) => this.outputsOf.get(u)!, { root: ws.root, profile: ws.plan.profile, lock: ws.lock, store: ws.store, cache: ws.cache, force: this.b.force });
    let d = decideNow();
    // Only what the local store lacks is asked for; once fetched (and verified), it decides as if local.
    if (d.action === 'run' && this.b.readThrough && !this.b.force && (await this.b.readThrough(name, d.key))) d = decideNow();
    if (d.action === 'invalid') return finish(name, { status: 'failed', reason: d.reason });
    const refusal = this.b.lockWriter.refusal(name, d.key);
    if (refusal) return finish(name, { status: 'failed', reason: refusal });
    if (d.action === 'run' && d.distrusted) this.b.reporter.warn(`the store's run record for ${name} (key ${d.key.slice(0, 12)}) disagrees with grokpipe.lock on ${d.distrusted.join(', ')}: not restored; ${name} is rebuilt and compared with the lock`);
    if (d.action === 'up-to-date') {
      this.succeeded(name, d.key, d.outputs);
      return finish(name, { status: 'up-to-date' });
    }
    const sibling = this.inflight.get(d.key);
    if (sibling) {
      if (!(await sibling)) return finish(name, { status: 'skipped', reason: 'an instance with the same key failed' });
      const rec = ws.store.readRecord(d.key);
      if (rec && (!d.evidence || sameOutputs(rec.outputs, d.evidence.outputs)) && this.restore(p, d, rec, 'same key as an instance that just ran')) return true;
    } else if (d.action === 'restorable' && this.restore(p, d, d.record)) {
      return true;
    }
    const job = this.run(p, d);
    this.inflight.set(d.key, job);
    return job;
  }

  private succeeded(name: string, key: string, outputs: Record<string, string>): void {
    this.outputsOf.set(name, outputs);
    this.b.lockWriter.record(name, key, outputs);
  }

  private resultOf(p: PreparedInstance, d: Keyed): ResultOf {
    return { instance: p.instance.name, stage: p.instance.stage, key: d.key, components: d.components };
  }

  private restore(p: PreparedInstance, d: Keyed, record: RunRecord, why?: string): boolean {
    const { ws, reporter } = this.b;
    const name = p.instance.name;
    const start = performance.now();
    reporter.start(name, 'restore');
    const r = restoreRecord(ws.root, ws.store, record, this.resultOf(p, d), this.b.scratch);
    if (!r.ok) {
      reporter.warn(r.problem);
      return false;
    }
    for (const f of Object.keys(record.outputs)) ws.cache.forget(join(instanceDir(ws.root, name), f));
    this.succeeded(name, d.key, record.outputs);
    return this.b.finish(name, { status: 'restored', ms: performance.now() - start, reason: why });
  }

  private async run(p: PreparedInstance, d: Keyed): Promise<boolean> {
    const { ws, finish, state } = this.b;
    const name = p.instance.name;
    const release = await this.b.pool.acquire(this.b.planIndex.get(name) ?? Number.MAX_SAFE_INTEGER);
    try {
      if (state.stopping || this.b.signal.aborted) {
        return finish(name, { status: 'skipped', reason: this.b.signal.aborted ? 'interrupted' : 'not started: an earlier instance failed (use --keep-going to run everything independent of it)' });
      }
      const outDir = mkdtempSync(join(this.b.scratch, 'run-'));
      // The upstream instances' own folders (the stage reads copies, but can reach artifacts/ by path).
      const upstreamFiles = p.instance.deps.flatMap((dep) => dep.instances).flatMap((u) => Object.keys(this.outputsOf.get(u) ?? {}).map((f) => join(instanceDir(ws.root, u), f)));
      const watch = watchOutside(ws.root, upstreamFiles, this.pipelineFiles);
      const began = this.overlap.begin();
      const { result, ms, stopped, logProblem } = await runOneInstance({
        root: ws.root, executor: this.b.executor, prepared: ws.prepared, p, outDir, scratch: this.b.scratch, reporter: this.b.reporter, signal: this.b.signal,
        inputDir: (u) => instanceDir(ws.root, u), inputOutputs: (u) => this.outputsOf.get(u)!, logFile: join(this.b.logDir, `${name}.log`),
      });
      const beside = this.overlap.end(began);
      if (stopped) {
        rmSync(outDir, { recursive: true, force: true });
        if (stopped === 'interrupted') return finish(name, { status: 'interrupted', ms, reason: 'stopped by Ctrl-C or SIGTERM; nothing was stored' });
        const detail = [...(result.ok ? [] : result.detail), `(full log: .grokpipe/logs/${name}.log)`];
        return finish(name, { status: 'failed', ms, reason: `timed out after ${formatDuration(p.stage.timeoutMs!)} (the \`timeout:\` of stage ${p.instance.stage}); its processes were stopped and nothing was stored`, detail });
      }
      if (logProblem) this.b.reporter.warn(logProblem);
      const checked = checkAfterRun({ root: ws.root, p, components: d.components, cache: ws.cache, outside: watch.check(), beside, outDir, reporter: this.b.reporter }, result);
      if (!checked.ok) {
        rmSync(outDir, { recursive: true, force: true });
        return finish(name, { status: 'failed', ms, reason: checked.reason, detail: [...checked.detail, `(full log: .grokpipe/logs/${name}.log)`] });
      }
      if (d.evidence && !sameOutputs(checked.outputs, d.evidence.outputs)) return this.diverged(p, d, d.evidence.outputs, outDir, checked.outputs, ms);
      return this.keep(p, d, outDir, checked.outputs, ms);
    } catch (e) {
      if (!faultCode(e)) throw noteDoing(e, `running ${name}`);
      state.stopping = true;
      return finish(name, { status: 'failed', reason: faultSentence(e, `running ${name}`), detail: [] });
    } finally {
      release();
    }
  }

  /**
   * The run gave other bytes than grokpipe.lock records for the same key: nondeterminism, or a lock edited
   * by hand; never an update. Nothing is stored or recorded; the new outputs are kept aside to compare.
   */
  private diverged(p: PreparedInstance, d: Keyed, locked: Record<string, string>, outDir: string, outputs: Record<string, string>, ms: number): boolean {
    const name = p.instance.name;
    const aside = keepDiverged(this.b.ws.root, name, outDir);
    const detail = differingFiles(locked, outputs).map((f) => `${f}: grokpipe.lock ${locked[f] ?? '(absent)'}, this run ${outputs[f] ?? '(absent)'}`);
    return this.b.finish(name, {
      status: 'failed',
      ms,
      reason: `its outputs differ from those grokpipe.lock records for the same key (${d.key.slice(0, 12)}): stage ${p.instance.stage} is not deterministic, or grokpipe.lock was edited. Nothing was stored or recorded (grokpipe.lock, the store and artifacts/${name} are as they were); this run's outputs are in ${aside}/ to compare. If grokpipe.lock was edited by hand, restore it (git checkout grokpipe.lock); otherwise find what varies between runs (an unseeded random number, the clock, thread or file order, a library or locale) and fix it: a stage whose code changed has a new key anyway, so this is never an update`,
      detail,
    });
  }

  /** Stores a checked run's outputs, installs its folder and records it in the lock. */
  private keep(p: PreparedInstance, d: Keyed, outDir: string, outputs: Record<string, string>, ms: number): boolean {
    const { ws, finish } = this.b;
    const name = p.instance.name;
    try {
      storeRun(ws.root, ws.store, outDir, this.resultOf(p, d), outputs, Math.round(ms));
    } catch (e) {
      if (!faultCode(e)) throw e;
      // A full disk fails everything after it: stop starting work, keep what is stored.
      rmSync(outDir, { recursive: true, force: true });
      this.b.state.stopping = true;
      return finish(name, { status: 'failed', ms, reason: `${faultSentence(e, `storing the outputs of ${name}`)}; nothing of this run was recorded`, detail: [] });
    }
    for (const f of Object.keys(outputs)) ws.cache.forget(join(instanceDir(ws.root, name), f));
    this.succeeded(name, d.key, outputs);
    return finish(name, { status: 'ran', ms });
  }
}
