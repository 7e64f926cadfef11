/**
 * Executes one stage instance in a child process: a module stage in a forked worker (worker.ts run
 * through tsx), a cmd stage through zx (every interpolated value quoted). Either way a crash, a throw,
 * an out-of-memory or a SIGKILL fails that instance only.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Progress } from './stage.ts';
import type { RunRequest, WorkerMessage } from './worker-protocol.ts';

export interface RunEvents {
  log(line: string): void;
  progress(p: Progress): void;
}

export type RunResult = { ok: true } | { ok: false; reason: string; detail: string[] };

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
let tsxLoader: string | null = null;

function tsxLoaderUrl(): string {
  if (!tsxLoader) {
    const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
    tsxLoader = pathToFileURL(join(dirname(pkg), 'dist', 'loader.mjs')).href;
  }
  return tsxLoader;
}

class Tail {
  private lines: string[] = [];
  constructor(private readonly max = 30) {}
  push(line: string) {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  get(): string[] {
    return [...this.lines];
  }
}

function lineSplitter(onLine: (l: string) => void): { write(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    write(chunk) {
      const text = rest + chunk.toString();
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (const p of parts) onLine(p.replace(/\r$/, ''));
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

export function runModuleStage(req: RunRequest, root: string, events: RunEvents, signal: AbortSignal): Promise<RunResult> {
  return new Promise((resolve) => {
    const tail = new Tail();
    const child = fork(WORKER, [], {
      cwd: root,
      execArgv: ['--import', tsxLoaderUrl()],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let done = false;
    let error: { message: string; stack?: string } | null = null;
    const out = lineSplitter((l) => (tail.push(l), events.log(l)));
    const err = lineSplitter((l) => (tail.push(l), events.log(l)));
    child.stdout!.on('data', (c: Buffer) => out.write(c));
    child.stderr!.on('data', (c: Buffer) => err.write(c));
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'log') events.log(m.message);
      else if (m.type === 'progress') events.progress(m.progress);
      else if (m.type === 'done') done = true;
      else if (m.type === 'error') error = { message: m.message, stack: m.stack };
    });
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      if (child.connected) child.send({ type: 'abort' });
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      killTimer.unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      error = { message: `could not start the stage process: ${e.message}` };
    });
    child.on('close', (code, sig) => {
      out.end();
      err.end();
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (done && code === 0) return resolve({ ok: true });
      const e = error as { message: string; stack?: string } | null;
      if (e) return resolve({ ok: false, reason: `stage threw: ${e.message}`, detail: (e.stack ?? '').split('\n').slice(0, 12) });
      if (sig) {
        const why = sig === 'SIGKILL' ? ' (out of memory, or killed from outside)' : '';
        return resolve({ ok: false, reason: `stage process was killed by ${sig}${why}`, detail: tail.get() });
      }
      resolve({ ok: false, reason: `stage process exited with code ${code} before finishing`, detail: tail.get() });
    });
    child.send(req);
  });
}

export async function runCommandStage(argv: string[], root: string, events: RunEvents, signal: AbortSignal): Promise<RunResult> {
  const tail = new Tail();
  // zx is loaded on first use: it costs a noticeable part of start-up, and most pipelines have no cmd stage.
  const { $ } = await import('zx');
  const p = $({ cwd: root, quiet: true, nothrow: true, signal })`${argv}`;
  const out = lineSplitter((l) => (tail.push(l), events.log(l)));
  const err = lineSplitter((l) => (tail.push(l), events.log(l)));
  p.stdout.on('data', (c: Buffer) => out.write(c));
  p.stderr.on('data', (c: Buffer) => err.write(c));
  const r = await p;
  out.end();
  err.end();
  if (r.exitCode === 0) return { ok: true };
  if (r.signal) return { ok: false, reason: `command was killed by ${r.signal}`, detail: tail.get() };
  return { ok: false, reason: `command exited with code ${r.exitCode}: ${argv.map((a) => JSON.stringify(a)).join(' ')}`, detail: tail.get() };
}
