/**
 * The coordinator's side of group-keeper.mjs: one keeper process per engine process, started before the
 * first stage process, told of every process group a stage leads and of its end, and named by a mark that
 * every stage process carries in its environment. Once it is ready it holds neither the event loop nor the
 * engine's exit: the engine going away is what tells it to clean up.
 *
 * A keeper that dies while the engine runs (killed from outside) is replaced at once and told of the groups
 * still running; the mark stays the engine's for its whole life, so the new keeper finds every stage
 * process the old one would have.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const KEEPER = fileURLToPath(new URL('./group-keeper.mjs', import.meta.url));
/** The environment variable that marks this engine's stage processes (documented in pipeline/stage-env.ts). */
export const RUN_MARK = 'GROKPIPE_RUN_MARK';
const mark = `${process.pid}.${randomBytes(8).toString('hex')}`;
/** The keeper is given the entry whole, so the variable's name is written here only. */
const markEntry = `${RUN_MARK}=${mark}`;
/** Groups led and not yet ended: a replacement keeper is told of them. */
const running = new Set<number>();
let keeper: Promise<ChildProcess | null> | null = null;

function start(): Promise<ChildProcess | null> {
  const started = new Promise<ChildProcess | null>((resolve) => {
    // Detached: Ctrl-C at the terminal reaches the engine, which stops the stages itself, not the keeper.
    // No stdio: a caller waiting for the engine's output to close must not wait for the keeper too.
    const child = spawn(process.execPath, [KEEPER, markEntry], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json', detached: true });
    let ready = false;
    const gone = () => {
      if (keeper !== started) return;
      keeper = null;
      resolve(null);
      // Killed while stages run: a new keeper takes over (a keeper that cannot start at all is not retried).
      if (ready && running.size > 0) void (keeper = start());
    };
    child.on('error', gone);
    child.on('exit', gone);
    child.once('message', () => {
      ready = true;
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
      for (const pgid of running) send(child, 'led', pgid);
      resolve(child);
    });
  });
  return started;
}

function send(k: ChildProcess | null, type: 'led' | 'ended', pgid: number): void {
  if (!k?.connected) return;
  try {
    k.send({ type, pgid });
  } catch {
    // The keeper went away: its replacement is told of the running groups.
  }
}

export interface GroupKeeper {
  /** The variable to add to a stage process's environment, so the keeper can find it and what it starts. */
  readonly env: Readonly<Record<string, string>>;
  led(pgid: number): void;
  ended(pgid: number): void;
}

/**
 * The running keeper, started on first use. When it cannot run, the stages still run, without the
 * cleanup after the engine's own death.
 */
export async function groupKeeper(): Promise<GroupKeeper> {
  await (keeper ??= start());
  return {
    env: { [RUN_MARK]: mark },
    led: (pgid) => {
      running.add(pgid);
      void keeper?.then((k) => send(k, 'led', pgid));
    },
    ended: (pgid) => {
      running.delete(pgid);
      void keeper?.then((k) => send(k, 'ended', pgid));
    },
  };
}
