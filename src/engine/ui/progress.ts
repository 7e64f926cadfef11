/**
 * Progress rendering. On a terminal: one live line per running instance, redrawn in place
 * (`cell[p=59,rho=1.15]  train 4200/20000  21%  eta 1m32s`), finished instances printed above them.
 * Off a terminal (CI): start and finish lines, and a progress line per instance at most every
 * `plainEveryMs`. Both end with a summary: ran, restored, up to date, failed, wall time.
 * Timing here is for display only (performance.now), never for results.
 */
import type { Outcome, Reporter, Summary } from './reporter.ts';
import type { Progress } from '../stage.ts';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  // Each branch takes what rounds into it, so that rounding never prints a unit at its limit (1000ms,
  // 60.0s, 1m60s, 59m60s).
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  const m = Math.floor(seconds / 60);
  const h = Math.floor(m / 60);
  return `${h}h${String(m - h * 60).padStart(2, '0')}m`;
}

interface Live {
  instance: string;
  action: 'run' | 'restore';
  startedAt: number;
  progress?: Progress;
  /** When the first progress report arrived and how far it was, for the rate behind the eta. */
  firstAt?: number;
  firstDone?: number;
  lastPlainAt: number;
  /** The executor's word on the instance (Slurm: "PENDING job 42 (Priority)", "RUNNING job 42"). */
  state?: string;
}

export function describeProgress(l: Live, now: number): string {
  const text = describeRun(l, now);
  return l.state ? `[${l.state}]  ${text}` : text;
}

function describeRun(l: Live, now: number): string {
  const p = l.progress;
  const elapsed = formatDuration(now - l.startedAt);
  if (!p) return `${l.action === 'restore' ? 'restoring' : 'running'}  ${elapsed}`;
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
  let eta = '';
  if (l.firstAt !== undefined && l.firstDone !== undefined && p.done > l.firstDone && p.total > 0) {
    const rate = (p.done - l.firstDone) / (now - l.firstAt);
    eta = `  eta ${formatDuration((p.total - p.done) / rate)}`;
  }
  return `${p.phase ? `${p.phase} ` : ''}${p.done}/${p.total}  ${pct}%${eta}  (${elapsed})${p.detail ? `  ${p.detail}` : ''}`;
}

/**
 * The marks before each finished instance. NO_COLOR and TERM=dumb ask for plain output: a terminal
 * that cannot draw, a log file read by tools that expect ASCII.
 */
export interface Glyphs {
  ok: string;
  upToDate: string;
  skipped: string;
  interrupted: string;
  failed: string;
}
const UNICODE: Glyphs = { ok: '✓', upToDate: '·', skipped: '-', interrupted: '■', failed: '✗' };
const ASCII: Glyphs = { ok: '+', upToDate: '.', skipped: '-', interrupted: '!', failed: 'x' };

/** What the environment asks of progress output (the conventions of no-color.org and of TERM=dumb). */
export function displayFrom(env: Record<string, string | undefined>): { ascii: boolean; redraw: boolean } {
  const dumb = env.TERM === 'dumb';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return { ascii: dumb || noColor, redraw: !dumb };
}

function outcomeLine(instance: string, o: Outcome, g: Glyphs): string {
  const t = o.ms !== undefined ? ` in ${formatDuration(o.ms)}` : '';
  switch (o.status) {
    case 'ran':
      return `${g.ok} ran       ${instance}${t}`;
    case 'restored':
      return `${g.ok} restored  ${instance}${t}${o.reason ? ` (${o.reason})` : ''}`;
    case 'up-to-date':
      return `${g.upToDate} up to date ${instance}`;
    case 'skipped':
      return `${g.skipped} skipped   ${instance}: ${o.reason ?? ''}`;
    case 'interrupted':
      return `${g.interrupted} interrupted ${instance}${t}: ${o.reason ?? ''}`;
    case 'failed':
      return `${g.failed} FAILED    ${instance}: ${o.reason ?? ''}${o.detail?.length ? `\n${o.detail.map((d) => `      | ${d}`).join('\n')}` : ''}`;
  }
}

function beginLine(info: { profile: string; total: number; jobs: number; executor?: string }): string {
  const where = info.executor && info.executor !== 'local' ? ` as ${info.executor} jobs` : '';
  return `repro: ${info.total} instance${info.total === 1 ? '' : 's'} in profile ${info.profile}, up to ${info.jobs} in parallel${where}`;
}

export function summaryLine(s: Summary): string {
  if (s.ran + s.restored + s.failed + s.skipped + (s.interrupted ?? 0) === 0) {
    return `nothing to do: ${s.upToDate} instance${s.upToDate === 1 ? '' : 's'} up to date (profile ${s.profile}, ${formatDuration(s.wallMs)})`;
  }
  return `ran ${s.ran}, restored ${s.restored}, up to date ${s.upToDate}, failed ${s.failed}${s.interrupted ? `, interrupted ${s.interrupted}` : ''}${s.skipped ? `, skipped ${s.skipped}` : ''}; wall time ${formatDuration(s.wallMs)} (profile ${s.profile})`;
}

/**
 * `out` is where progress goes: the CLI passes stderr, so that stdout holds only a verb's result. `env`
 * (default: the process's) decides ASCII marks and whether a terminal is redrawn in place.
 */
export function createReporter(out: Output, options: { verbose?: boolean; plainEveryMs?: number; env?: Record<string, string | undefined> } = {}): Reporter {
  const display = displayFrom(options.env ?? process.env);
  const glyphs = display.ascii ? ASCII : UNICODE;
  return out.isTTY && display.redraw ? new TtyReporter(out, options.verbose ?? false, glyphs) : new PlainReporter(out, options.plainEveryMs ?? 15000, options.verbose ?? false, glyphs);
}

class PlainReporter implements Reporter {
  private live = new Map<string, Live>();
  get wantsLog(): boolean {
    return this.verbose;
  }
  constructor(
    private readonly out: Output,
    private readonly everyMs: number,
    private readonly verbose: boolean,
    private readonly glyphs: Glyphs,
  ) {}
  begin(info: { profile: string; total: number; jobs: number; executor?: string }) {
    this.out.write(`${beginLine(info)}\n`);
  }
  start(instance: string, action: 'run' | 'restore') {
    const now = performance.now();
    this.live.set(instance, { instance, action, startedAt: now, lastPlainAt: now });
    if (action === 'run') this.out.write(`> start     ${instance}\n`);
  }
  progress(instance: string, p: Progress) {
    const l = this.live.get(instance);
    if (!l) return;
    const now = performance.now();
    if (l.firstAt === undefined) ((l.firstAt = now), (l.firstDone = p.done));
    l.progress = p;
    if (now - l.lastPlainAt >= this.everyMs) {
      l.lastPlainAt = now;
      this.out.write(`  ${instance}  ${describeProgress(l, now)}\n`);
    }
  }
  log(instance: string, line: string) {
    if (this.verbose) this.out.write(`  [${instance}] ${line}\n`);
  }
  state(instance: string, text: string) {
    const l = this.live.get(instance);
    if (!l || l.state === text) return;
    l.state = text;
    this.out.write(`  ${instance}  ${text}\n`);
  }
  warn(message: string) {
    this.out.write(`warning: ${message}\n`);
  }
  finish(instance: string, o: Outcome) {
    this.live.delete(instance);
    if (o.status === 'up-to-date' && !this.verbose) return;
    this.out.write(`${outcomeLine(instance, o, this.glyphs)}\n`);
  }
  end(s: Summary) {
    this.out.write(`${summaryLine(s)}\n`);
  }
}

class TtyReporter implements Reporter {
  private live = new Map<string, Live>();
  get wantsLog(): boolean {
    return this.verbose;
  }
  private drawn = 0;
  private timer: NodeJS.Timeout | null = null;
  private total = 0;
  private finished = 0;
  constructor(
    private readonly out: Output,
    private readonly verbose: boolean,
    private readonly glyphs: Glyphs,
  ) {}
  private clear() {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }
  private draw() {
    this.clear();
    const now = performance.now();
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    const lines = [...this.live.values()].map((l) => `  ${l.instance}  ${describeProgress(l, now)}`.slice(0, width));
    lines.push(`  [${this.finished}/${this.total}]`);
    this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
  private above(text: string) {
    this.clear();
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
    this.draw();
  }
  begin(info: { profile: string; total: number; jobs: number; executor?: string }) {
    this.total = info.total;
    this.out.write(`${beginLine(info)}\n`);
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }
  start(instance: string, action: 'run' | 'restore') {
    const now = performance.now();
    this.live.set(instance, { instance, action, startedAt: now, lastPlainAt: now });
  }
  progress(instance: string, p: Progress) {
    const l = this.live.get(instance);
    if (!l) return;
    if (l.firstAt === undefined) ((l.firstAt = performance.now()), (l.firstDone = p.done));
    l.progress = p;
  }
  log(instance: string, line: string) {
    if (this.verbose) this.above(`  [${instance}] ${line}`);
  }
  state(instance: string, text: string) {
    const l = this.live.get(instance);
    if (l) l.state = text;
  }
  warn(message: string) {
    this.above(`warning: ${message}`);
  }
  finish(instance: string, o: Outcome) {
    this.live.delete(instance);
    this.finished++;
    if (o.status === 'up-to-date' && !this.verbose) return;
    this.above(outcomeLine(instance, o, this.glyphs));
  }
  end(s: Summary) {
    if (this.timer) clearInterval(this.timer);
    this.clear();
    this.out.write(`${summaryLine(s)}\n`);
  }
}
