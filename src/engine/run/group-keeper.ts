/**
 * The coordinator's side of group-keeper.mjs: one keeper process per engine process, started before the
 * first cmd stage and told of every process group a cmd stage leads and of its end. Once it is ready it
 * holds neither the event loop nor the engine's exit: the engine going away is what tells it to clean up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const KEEPER = fileURLToPath(new URL('./group-keeper.mjs', import.meta.url));
let keeper: Promise<ChildProcess | null> | null = null;

function start(): Promise<ChildProcess | null> {
  const started = new Promise<ChildProcess | null>((resolve) => {
    // Detached: Ctrl-C at the terminal reaches the engine, which stops the stages itself, not the keeper.
    // No stdio: a caller waiting for the engine's output to close must not wait for the keeper too.
    const child = spawn(process.execPath, [KEEPER], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json', detached: true });
    const gone = () => {
      if (keeper === started) keeper = null;
      resolve(null);
    };
    child.on('error', gone);
    child.on('exit', gone);
    child.once('message', () => {
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
      resolve(child);
    });
  });
  return started;
}

/**
 * The running keeper, started on first use; null when it cannot run (the commands still run, without
 * the cleanup after the engine's own death).
 */
export async function groupKeeper(): Promise<{ led(pgid: number): void; ended(pgid: number): void }> {
  const k = await (keeper ??= start());
  const tell = (type: 'led' | 'ended', pgid: number) => {
    if (!k?.connected) return;
    try {
      k.send({ type, pgid });
    } catch {
      // The keeper went away: nothing to tell.
    }
  };
  return { led: (pgid) => tell('led', pgid), ended: (pgid) => tell('ended', pgid) };
}
