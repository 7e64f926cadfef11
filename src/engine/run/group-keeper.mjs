/**
 * Keeps the process groups of a coordinator's cmd stages from outliving it. The coordinator starts each
 * command itself as the leader of a new process group (spawn with `detached`), so a stage costs one
 * process, not a Node process per instance to lead it; what the coordinator cannot do is clean up after
 * its own SIGKILL. So it starts this process once, tells it each group it leads and each group that
 * ended, and when the coordinator disappears (the IPC channel closes: SIGKILLed, crashed, or simply
 * exited) this kills every group still running, so no stage process outlives the engine.
 *
 * Plain JavaScript on purpose: it starts with bare node, without tsx.
 */
const groups = new Set();

process.on('message', (m) => {
  if (m?.type === 'led') groups.add(m.pgid);
  else if (m?.type === 'ended') groups.delete(m.pgid);
});

process.on('disconnect', () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }
  process.exit(0);
});

// The coordinator starts no command before this: a group it told of earlier could be missed.
if (process.connected) process.send({ type: 'ready' }, () => {});
