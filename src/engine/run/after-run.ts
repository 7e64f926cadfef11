/**
 * What is checked after an instance ran and before its outputs may be stored under its key: writes
 * outside its output folder (a changed input fails it, the rest is a warning), its own code edited while
 * it ran (its key was computed from the old content), and its outputs as declared. With several
 * instances running at once, another one may be the writer: messages say so (RunOverlap).
 */
import type { KeyComponents } from '../keys/instance-key.ts';
import type { FileHashCache } from '../hashing/file-hash-cache.ts';
import { closureChanges } from '../hashing/closure-drift.ts';
import type { PreparedInstance } from '../keys/prepare.ts';
import type { Reporter } from '../ui/reporter.ts';
import type { OutsideWrites } from './outside-writes.ts';
import type { RunResult } from './executor.ts';
import { collectOutputs } from './stage-io.ts';

/** Whether another run overlapped this one: still running when it ended, or ended after it started. */
export class RunOverlap {
  private running = 0;
  private lastEnd = 0;
  begin(): number {
    this.running++;
    return performance.now();
  }
  /** Ends the run begun at `start`; true when another ran beside it. */
  end(start: number): boolean {
    const beside = --this.running > 0 || this.lastEnd > start;
    this.lastEnd = performance.now();
    return beside;
  }
}

export interface Ran {
  root: string;
  p: PreparedInstance;
  components: KeyComponents;
  cache: FileHashCache;
  outside: OutsideWrites;
  /** Another instance ran beside this one (it may be the writer). */
  beside: boolean;
  outDir: string;
  reporter: Reporter;
}

export type Checked = { ok: true; outputs: Record<string, string> } | { ok: false; reason: string; detail: string[] };

/** The outputs of a run that succeeded and passed every check, or why they must not be stored (a run that was stopped is not checked). */
export function checkAfterRun(ran: Ran, result: RunResult): Checked {
  const { outside, reporter } = ran;
  const name = ran.p.instance.name;
  const who = ran.beside ? `${name} (or a stage running beside it)` : name;
  for (const f of outside.created) reporter.warn(`\`${f}\` appeared at the top of the repository while ${who} ran: a stage should write only inside its output folder (ctx.outDir, \${out})`);
  // The stage's own code is checked below (closureChanges fails the instance); the rest is a warning.
  for (const f of outside.code.filter((c) => !(c in ran.components.code))) reporter.warn(`${f} changed while ${who} ran (an edit, or a stage writing outside its output folder); the stages that use it rerun next time`);
  if (!result.ok) return result;
  if (outside.inputs.length) {
    return {
      ok: false,
      reason: `${outside.inputs[0]} (an input of ${name}) changed while ${who} ran: a stage may write only inside its output folder (ctx.outDir, \${out}); its outputs are not stored, and the next repro restores the input from the store`,
      detail: outside.inputs.slice(0, 10),
    };
  }
  const changed = closureChanges(ran.root, { ...ran.components.code, ...ran.components.files }, ran.cache);
  if (changed.length) {
    const short = (sha: string) => (sha.length > 12 ? sha.slice(0, 12) : sha);
    return {
      ok: false,
      reason: `${changed[0]!.file} changed while ${name} ran; its key was computed from the old content, so its outputs are not stored. Run grokpipe repro again`,
      detail: changed.map((c) => `${c.file}: ${short(c.planned)} when planned, ${short(c.now)} now`),
    };
  }
  const collected = collectOutputs(ran.outDir, ran.p);
  return typeof collected === 'string' ? { ok: false, reason: collected, detail: [] } : { ok: true, outputs: collected };
}
