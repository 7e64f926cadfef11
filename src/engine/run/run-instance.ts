/**
 * Running one instance through an executor, the same way for repro and verify --lock: its inputs as
 * read-only views, a module stage's request or a cmd stage's argument list, its output streamed to a log
 * file (or only to the reporter) with a bounded tail kept, and its stop: the run's signal (Ctrl-C,
 * SIGTERM) or its stage's `timeout:`. What happens to the outputs afterwards is the caller's.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { removeViews } from './input-view.ts';
import { stopReason, type Executor, type RunResult, type StopReason } from './executor.ts';
import { moduleRunRequest } from './run-request.ts';
import { commandArgv, inputSpecs } from './stage-io.ts';
import { StageOutput } from './stage-output.ts';
import type { Prepared, PreparedInstance } from '../keys/prepare.ts';
import type { Reporter } from '../ui/reporter.ts';

export interface OneRun {
  root: string;
  executor: Executor;
  prepared: Prepared;
  p: PreparedInstance;
  /** Where each upstream instance's files are, and which they are. */
  inputDir(upstream: string): string;
  inputOutputs(upstream: string): Record<string, string>;
  /** Scratch folder for the input views. */
  scratch: string;
  /** The empty folder the outputs go to. */
  outDir: string;
  /** The log file, or null for none. */
  logFile: string | null;
  reporter: Reporter;
  /** The whole run's stop (Ctrl-C, SIGTERM, a sibling's bug). */
  signal: AbortSignal;
}

export interface OneRunResult {
  result: RunResult;
  ms: number;
  /** Set when the run was stopped rather than failing by itself. */
  stopped?: StopReason;
  /** A problem writing the log file, to warn about. */
  logProblem?: string;
}

export async function runOneInstance(r: OneRun): Promise<OneRunResult> {
  const { p, reporter } = r;
  const name = p.instance.name;
  // Output goes to the log file as it comes; memory holds only a bounded tail (stage-output.ts).
  const output = new StageOutput(r.logFile, reporter.wantsLog !== false ? (line) => reporter.log(name, line) : null);
  const events = { ...output.events((pr) => reporter.progress(name, pr)), state: (text: string) => reporter.state?.(name, text) };
  const stop = new AbortController();
  const onAbort = () => stop.abort('interrupted');
  if (r.signal.aborted) onAbort();
  else r.signal.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = p.stage.timeoutMs;
  const timer = timeoutMs ? setTimeout(() => stop.abort('timeout'), timeoutMs) : null;
  const start = performance.now();
  reporter.start(name, 'run');
  // An instance without dependencies has no views: no folder to make and remove (most of a wide matrix).
  const views = p.instance.deps.length ? mkdtempSync(join(r.scratch, 'inputs-')) : null;
  let result: RunResult;
  let ms: number;
  try {
    const inputs = views ? inputSpecs(r.prepared, p.instance, r.inputDir, r.inputOutputs, views) : {};
    if (p.stage.kind === 'module') {
      result = await r.executor.run({ instance: name, stage: p.instance.stage, work: { kind: 'module', request: moduleRunRequest(r.root, p, inputs, r.outDir) }, outDir: r.outDir }, events, stop.signal);
    } else {
      const argv = commandArgv(p.instance.command!, inputs, r.outDir);
      result = typeof argv === 'string' ? { ok: false, reason: argv, detail: [] } : await r.executor.run({ instance: name, stage: p.instance.stage, work: { kind: 'cmd', argv, ...(p.fixed.env ? { env: p.fixed.env } : {}) }, outDir: r.outDir }, events, stop.signal);
    }
    ms = performance.now() - start;
  } finally {
    if (views) removeViews(views);
    if (timer) clearTimeout(timer);
    r.signal.removeEventListener('abort', onAbort);
    output.close();
  }
  return { result, ms, stopped: result.ok ? undefined : stopReason(stop.signal), logProblem: output.logProblem ?? undefined };
}
