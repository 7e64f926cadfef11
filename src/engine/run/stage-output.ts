/**
 * What a running stage prints: streamed to its log file as it arrives (.grokpipe/logs/<instance>.log),
 * remembered only as a bounded tail (the last bytes) for a failure message, and cut into lines only when
 * someone shows them (repro --verbose). A stage that prints 300 MB, as one line or as 150 million short
 * ones, costs the engine a few kilobytes of memory and no per-line work.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunEvents } from './executor.ts';
import type { Progress } from '../stage.ts';

/** Lines kept for a failure message. */
const TAIL_LINES = 30;
/** Bytes of the end of the output kept in memory for those lines. */
const TAIL_CHARS = 16 * 1024;
/** Characters kept of one line shown (in the tail and for the reporter); the log file keeps every byte. */
const LINE_CHARS = 2000;
/** A partial line (no newline yet) is cut into pieces of this many characters. */
const PARTIAL_CHARS = 64 * 1024;

function clip(line: string): string {
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}… (${line.length - LINE_CHARS} more characters in the log)` : line;
}

export class StageOutput {
  private fd: number | null = null;
  private end = '';
  private clipped = false;
  private rest = { out: '', err: '' };
  /** Why the log file stopped being written (a full disk), if it did. */
  logProblem: string | null = null;
  bytes = 0;

  /**
   * `logFile` null: no file. `onLine` null: nobody shows lines, so output is not split into lines at all.
   */
  constructor(
    readonly logFile: string | null,
    private readonly onLine: ((line: string) => void) | null,
  ) {
    if (logFile === null) return;
    try {
      this.fd = openSync(logFile, 'w');
    } catch (e) {
      this.logProblem = `could not open ${logFile}: ${(e as Error).message}`;
    }
  }

  private writeFile(data: Buffer | string): void {
    if (this.fd === null) return;
    try {
      if (typeof data === 'string') writeSync(this.fd, data);
      else writeSync(this.fd, data);
    } catch (e) {
      // A full disk must not fail the stage by itself (the store write that follows will, cleanly);
      // stop logging and say so.
      this.logProblem = `the log file ${this.logFile} could not be written: ${(e as Error).message}`;
      this.closeFile();
    }
  }

  private closeFile(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closing after a write error can fail again (ENOSPC on flush); the descriptor is gone either way.
    }
    this.fd = null;
  }

  private remember(text: string): void {
    const joined = this.end + text;
    if (joined.length > TAIL_CHARS) {
      this.end = joined.slice(joined.length - TAIL_CHARS);
      this.clipped = true;
    } else {
      this.end = joined;
    }
  }

  /** Raw bytes from the stage's stdout or stderr. */
  output(stream: 'out' | 'err', data: Buffer): void {
    this.bytes += data.length;
    this.writeFile(data);
    // Only the end of a large chunk can matter for the tail.
    this.remember(data.length > TAIL_CHARS ? data.subarray(data.length - TAIL_CHARS).toString() : data.toString());
    if (!this.onLine) return;
    const parts = (this.rest[stream] + data.toString()).split('\n');
    let rest = parts.pop()!;
    for (const p of parts) this.onLine(clip(p.replace(/\r$/, '')));
    while (rest.length > PARTIAL_CHARS) {
      this.onLine(clip(rest.slice(0, PARTIAL_CHARS)));
      rest = rest.slice(PARTIAL_CHARS);
    }
    this.rest[stream] = rest;
  }

  /** A message the stage logged through ctx.log (module stages), or a line of a remote job's log. */
  log(text: string): void {
    this.writeFile(`${text}\n`);
    this.remember(`${text}\n`);
    if (this.onLine) for (const l of text.split('\n')) this.onLine(clip(l));
  }

  /** The events an executor reports to, backed by this output. */
  events(progress: (p: Progress) => void): RunEvents {
    return { output: (s, d) => this.output(s, d), log: (l) => this.log(l), progress, tail: () => this.tail() };
  }

  /** The last lines, for a failure message. */
  tail(): string[] {
    const lines = this.end.split('\n');
    if (this.clipped) lines.shift(); // The first line was cut by the byte window.
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-TAIL_LINES).map((l) => clip(l.replace(/\r$/, '')));
  }

  close(): void {
    if (this.onLine) {
      for (const s of ['out', 'err'] as const) {
        if (this.rest[s]) this.onLine(clip(this.rest[s]));
        this.rest[s] = '';
      }
    }
    this.closeFile();
  }
}
