/**
 * Executes one stage instance in a child process that leads its own process group: a module stage in
 * a forked worker (worker.ts run through tsx), a cmd stage as its argument list itself, started without
 * a shell as the leader of a new group (no Node process per instance: starting one cost tens of
 * milliseconds of CPU, more than a small command). Either way a crash, a throw, an out-of-memory or a
 * SIGKILL fails that instance only, and the whole group goes when the stage ends, is stopped (Ctrl-C,
 * SIGTERM, its timeout), or when the engine itself dies (the engine's one group keeper, group-keeper.mjs,
 * kills what is left; a worker that sees its IPC channel close also kills its own group). Either way the
 * process gets the stage's environment (pipeline/stage-env.ts), not the engine's whole one, plus the
 * keeper's mark.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENGINE_IS_TYPESCRIPT } from '../keys/typescript-modules.ts';
import { stopReason, type RunEvents, type RunResult, type StopReason } from './executor.ts';
import type { RunRequest, WorkerMessage } from './worker-protocol.ts';
import { stageEnvironment } from '../pipeline/stage-env.ts';
import { groupKeeper, type GroupKeeper } from './group-keeper.ts';

// worker.js beside the compiled engine (dist/), worker.ts beside the sources (src/, run through tsx).
const WORKER = fileURLToPath(new URL(ENGINE_IS_TYPESCRIPT ? './worker.ts' : './worker.js', import.meta.url));
/** Time a stopped stage gets to end by itself (a module stage sees ctx.signal) before its group is SIGKILLed. */
const GRACE_MS = 5000;
let tsxLoader: string | null = null;

/** The tsx loader, for `node --import` in a process that runs TypeScript (a worker, a Slurm job). */
export function tsxLoaderUrl(): string {
  if (!tsxLoader) {
    const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
    tsxLoader = pathToFileURL(join(dirname(pkg), 'dist', 'loader.mjs')).href;
  }
  return tsxLoader;
}

/** Sends `signal` to every process of the group led by `child`; false when the group is gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells the keeper of the group `child` leads, and of its end. Called after supervise(), so that its
 * 'exit' listener, which kills what was left of the group, runs before the keeper is told the group ended.
 */
function keep(child: ChildProcess, keeper: GroupKeeper): void {
  const pgid = child.pid;
  if (pgid === undefined) return;
  keeper.led(pgid);
  child.on('exit', () => keeper.ended(pgid));
}

/**
 * What both kinds of stage start with: the stage's environment with the run's mark in it, and the keeper
 * that knows the mark; or why the environment cannot be built.
 */
async function prepare(declared: Readonly<Record<string, string | null>> | undefined): Promise<{ env: NodeJS.ProcessEnv; keeper: GroupKeeper } | string> {
  const env = stageEnvironment(declared);
  if (typeof env === 'string') return env;
  const keeper = await groupKeeper();
  return { env: { ...env, ...keeper.env }, keeper };
}

/** Who sends a stage's process a signal, as the failure's reason says it. */
function killedBy(sig: NodeJS.Signals): string {
  return `${sig}${sig === 'SIGKILL' ? ' (out of memory, or killed from outside grokpipe)' : ' (sent from outside grokpipe)'}`;
}

/**
 * Common plumbing: output streaming, the stop sequence (`stop` first, SIGKILL of the group after the
 * grace period), and reaping stragglers of the group once the leader has exited.
 */
function supervise(child: ChildProcess, events: RunEvents, signal: AbortSignal, stop: () => void, settle: (exit: { code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }) => RunResult): Promise<RunResult> {
  return new Promise((resolve) => {
    child.stdout?.on('data', (c: Buffer) => events.output('out', c));
    child.stderr?.on('data', (c: Buffer) => events.output('err', c));
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      stop();
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), GRACE_MS);
      killTimer.unref();
    };
    if (signal.aborted) queueMicrotask(onAbort);
    else signal.addEventListener('abort', onAbort, { once: true });
    let spawnError: Error | null = null;
    child.on('error', (e) => (spawnError = e));
    // 'exit' (the leader ended), not 'close': a background process of the stage may hold the pipes open;
    // it is killed here with the rest of the group, and then the pipes close.
    child.on('exit', () => signalGroup(child, 'SIGKILL'));
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve(settle({ code, signal: sig, spawnError }));
    });
    if (child.pid === undefined) {
      // Could not start at all (e.g. no such executable for node itself): 'close' may never come.
      setImmediate(() => {
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
          signal.removeEventListener('abort', onAbort);
          resolve(settle({ code: null, signal: null, spawnError: spawnError ?? new Error('could not start a process') }));
        }
      });
    }
  });
}

function stoppedResult(reason: StopReason, tail: string[]): RunResult {
  return { ok: false, stopped: reason, reason: reason === 'timeout' ? 'timed out' : 'interrupted', detail: tail };
}

export async function runModuleStage(req: RunRequest, root: string, events: RunEvents, signal: AbortSignal): Promise<RunResult> {
  // A worker kills its own group when it sees the engine go, unless it is too busy to see it (a stage
  // that never yields): the keeper covers that case.
  const prepared = await prepare(req.env);
  if (typeof prepared === 'string') return { ok: false, reason: prepared, detail: [] };
  const { env, keeper } = prepared;
  const child = fork(WORKER, [], {
    cwd: root,
    // The compiled worker loads tsx itself, and only for a TypeScript stage module.
    execArgv: ENGINE_IS_TYPESCRIPT ? ['--import', tsxLoaderUrl()] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
    detached: true,
    env,
  });
  let done = false;
  let error: { message: string; stack?: string } | null = null;
  child.on('message', (m: WorkerMessage) => {
    if (m.type === 'log') events.log(m.message);
    else if (m.type === 'progress') events.progress(m.progress);
    else if (m.type === 'done') done = true;
    else if (m.type === 'error') error = { message: m.message, stack: m.stack };
  });
  // A module stage gets ctx.signal first (it may stop cleanly); its group is SIGKILLed after the grace.
  const stop = () => {
    if (child.connected) child.send({ type: 'abort' });
  };
  const promise = supervise(child, events, signal, stop, ({ code, signal: sig, spawnError }) => {
    if (done && code === 0) return { ok: true };
    const stopped = stopReason(signal);
    if (stopped) return stoppedResult(stopped, events.tail());
    const e = error as { message: string; stack?: string } | null;
    if (e) return { ok: false, reason: `stage threw: ${e.message}`, detail: (e.stack ?? '').split('\n').slice(0, 12) };
    if (spawnError) return { ok: false, reason: `could not start the stage process: ${spawnError.message}`, detail: [] };
    if (sig) return { ok: false, reason: `stage process was killed by ${killedBy(sig)}`, detail: events.tail() };
    return { ok: false, reason: `stage process exited with code ${code} before finishing`, detail: events.tail() };
  });
  keep(child, keeper);
  if (child.connected) child.send(req);
  return promise;
}

export async function runCommandStage(argv: string[], root: string, events: RunEvents, signal: AbortSignal, declared?: Record<string, string | null>): Promise<RunResult> {
  const prepared = await prepare(declared);
  if (typeof prepared === 'string') return { ok: false, reason: prepared, detail: [] };
  const { env, keeper } = prepared;
  let child: ChildProcess;
  try {
    // The command itself leads the stage's process group: no process stands between the engine and it.
    child = spawn(argv[0]!, argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  } catch (e) {
    // Errors such as E2BIG are thrown by spawn itself; a missing program comes later, as an 'error' event.
    const err = e as NodeJS.ErrnoException;
    return { ok: false, reason: commandStartProblem(argv, { code: err.code ?? null, message: err.message }), detail: [] };
  }
  const stop = () => void signalGroup(child, 'SIGTERM');
  const shown = argv.map((a) => JSON.stringify(a.length > 200 ? `${a.slice(0, 200)}…` : a)).join(' ');
  const promise = supervise(child, events, signal, stop, ({ code, signal: sig, spawnError }) => {
    if (!spawnError && code === 0) return { ok: true };
    const stopped = stopReason(signal);
    if (stopped) return stoppedResult(stopped, events.tail());
    if (spawnError) {
      const err = spawnError as NodeJS.ErrnoException;
      return { ok: false, reason: commandStartProblem(argv, { code: err.code ?? null, message: err.message }), detail: [] };
    }
    if (sig) return { ok: false, reason: `command was killed by ${killedBy(sig)}: ${shown}`, detail: events.tail() };
    return { ok: false, reason: `command exited with code ${code}: ${shown}`, detail: events.tail() };
  });
  keep(child, keeper);
  return promise;
}

/** Why a command could not start, in the user's terms (a missing program, a command line too long). */
function commandStartProblem(argv: string[], p: { code: string | null; message: string }): string {
  if (p.code === 'E2BIG') {
    const longest = argv.reduce((i, a, j) => (Buffer.byteLength(a) > Buffer.byteLength(argv[i]!) ? j : i), 0);
    const total = argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
    return `the command line is too long for the operating system (E2BIG): ${argv.length} arguments, ${total} bytes in all, the longest (argument ${longest}) ${Buffer.byteLength(argv[longest]!)} bytes; Linux allows 131072 bytes per argument. Pass large values through a file (write it in an upstream stage and use \${deps.x})`;
  }
  if (p.code === 'ENOENT') return `command not found: \`${argv[0]}\` (not an executable on PATH nor a path that exists)`;
  if (p.code === 'EACCES') return `command \`${argv[0]}\` is not executable (permission denied)`;
  return `the command could not start (${p.code ?? 'error'}): ${p.message}`;
}
