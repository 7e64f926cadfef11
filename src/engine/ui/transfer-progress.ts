/**
 * One progress line for a transfer to or from a remote store, on stderr so that stdout keeps the result:
 * `pull  41/229 instances  112 files  38.2 MB  6.1 MB/s  eta 31s`. On a terminal it is redrawn in place
 * (every 200 ms); elsewhere (CI logs) it is printed at most every 10 s, and once at the end.
 * Timing here is for display only.
 */
import { formatDuration, type Output } from './progress.ts';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export class TransferProgress {
  private files = 0;
  private bytes = 0;
  private done = 0;
  private readonly t0 = performance.now();
  private lastDraw = 0;
  private drawn = false;
  constructor(
    private readonly out: Output,
    private readonly verb: string,
    private readonly total: number,
  ) {}

  file(bytes: number): void {
    this.files++;
    this.bytes += bytes;
    this.draw(false);
  }

  instance(): void {
    this.done++;
    this.draw(false);
  }

  line(): string {
    const elapsed = performance.now() - this.t0;
    const rate = elapsed > 0 ? (this.bytes * 1000) / elapsed : 0;
    const eta = this.done > 0 && this.done < this.total ? `  eta ${formatDuration((elapsed / this.done) * (this.total - this.done))}` : '';
    return `${this.verb}  ${this.done}/${this.total} instance${this.total === 1 ? '' : 's'}  ${this.files} file${this.files === 1 ? '' : 's'}  ${formatBytes(this.bytes)}  ${formatBytes(Math.round(rate))}/s${eta}  (${formatDuration(elapsed)})`;
  }

  /** The last line, always printed (and the live one ended). */
  end(): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[K${this.line()}\n`);
    else this.out.write(`${this.line()}\n`);
    this.drawn = false;
  }

  private draw(force: boolean): void {
    const now = performance.now();
    const every = this.out.isTTY ? 200 : 10_000;
    if (!force && now - this.lastDraw < every) return;
    this.lastDraw = now;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${this.line()}`);
      this.drawn = true;
    } else if (now - this.t0 >= every) this.out.write(`${this.line()}\n`);
  }
}
