/**
 * The process-group leader of a cmd stage. The engine spawns it detached (so it leads a new process
 * group) and sends it the argument list over IPC (not on its own command line: a too-long argument
 * then fails here, where it is reported, not in the engine's spawn). It starts the command inside its
 * group, reports how the command ended, and kills the whole group when the engine disappears (its IPC
 * channel closes: the engine was SIGKILLed or crashed), so no stage process outlives the engine.
 *
 * Plain JavaScript on purpose: it starts with bare node in tens of milliseconds, without tsx.
 */
import { spawn } from 'node:child_process';

function killGroup(signal) {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // The group is already gone.
  }
}

process.on('disconnect', () => killGroup('SIGKILL'));
// The engine stops a stage by signalling its whole group; the leader stays to report how the command ended.
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

let reported = false;
function report(message) {
  if (reported) return;
  reported = true;
  if (!process.connected) return killGroup('SIGKILL');
  process.send(message, () => process.exit(0));
}

process.once('message', (m) => {
  if (!m || m.type !== 'run') return;
  let child;
  try {
    child = spawn(m.argv[0], m.argv.slice(1), { cwd: m.cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    return report({ type: 'spawn-error', code: e.code ?? null, message: e.message });
  }
  child.on('error', (e) => report({ type: 'spawn-error', code: e.code ?? null, message: e.message }));
  child.on('exit', (code, signal) => report({ type: 'exit', code, signal }));
});
