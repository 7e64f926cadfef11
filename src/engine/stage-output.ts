/**
 * What a running stage prints: streamed to its log file as it arrives (.grokpipe/logs/<instance>.log),
 * cut into lines for the reporter, and remembered only as a bounded tail for the failure message. A
 * stage that prints 300 MB (or one 300 MB line without a newline) costs the engine a few kilobytes of
 * memory, not 300 MB.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunEvents } from './run-stage.ts';
import type { Progress } from './stage.ts';

/** Lines kept for a failure message. */
const TAIL_LINES = 30;
/** Characters kept of one line (in the tail and for the reporter); the log file keeps every byte. */
const LINE_CHARS = 2000;
/** A partial line (no newline yet) is cut into pieces of this many characters. */
const PARTIAL_CHARS = 64 * 1024;

export class StageOutput {
  private fd: number | null = null;
  private readonly last: string[] = [];
  private rest = { out: '', err: '' };
  /** Why the log file stopped being written (a full disk), if it did. */
  logProblem: string | null = null;
  bytes = 0;

  /** `logFile` null: no file (the output is only shown and tailed). */
  constructor(
    readonly logFile: string | null,
    private readonly onLine: (line: string) => void,
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

  private line(text: string): void {
    const l = text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS)}… (${text.length - LINE_CHARS} more characters in the log)` : text;
    this.last.push(l);
    if (this.last.length > TAIL_LINES) this.last.shift();
    this.onLine(l);
  }

  /** Raw bytes from the stage's stdout or stderr. */
  output(stream: 'out' | 'err', data: Buffer): void {
    this.bytes += data.length;
    this.writeFile(data);
    const text = this.rest[stream] + data.toString();
    const parts = text.split('\n');
    let rest = parts.pop()!;
    for (const p of parts) this.line(p.replace(/\r$/, ''));
    while (rest.length > PARTIAL_CHARS) {
      this.line(rest.slice(0, PARTIAL_CHARS));
      rest = rest.slice(PARTIAL_CHARS);
    }
    this.rest[stream] = rest;
  }

  /** A message the stage logged through ctx.log (module stages). */
  log(text: string): void {
    this.writeFile(`${text}\n`);
    for (const l of text.split('\n')) this.line(l);
  }

  /** The events an executor reports to, backed by this output. */
  events(progress: (p: Progress) => void): RunEvents {
    return { output: (s, d) => this.output(s, d), log: (l) => this.log(l), progress, tail: () => this.tail() };
  }

  /** The last lines, for a failure message. */
  tail(): string[] {
    return [...this.last];
  }

  close(): void {
    for (const s of ['out', 'err'] as const) {
      if (this.rest[s]) this.line(this.rest[s]);
      this.rest[s] = '';
    }
    this.closeFile();
  }
}
