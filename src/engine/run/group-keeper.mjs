/**
 * Keeps a coordinator's stage processes from outliving it. The coordinator starts each stage process
 * itself as the leader of a new process group (spawn with `detached`), so a stage costs one process, not a
 * Node process per instance to lead it; what the coordinator cannot do is clean up after its own SIGKILL.
 * So it starts this process once, and when the coordinator disappears (the IPC channel closes: SIGKILLed,
 * crashed, or simply exited) this kills what is still running.
 *
 * It finds that two ways:
 * - the groups the coordinator told it of (`led`, and `ended` when they ended): portable, but a group
 *   exists from the moment its leader starts, before any message about it can arrive, so a coordinator
 *   killed in that instant (under load, a stage can print its pid and be killed within a millisecond or
 *   two) leaves a group nobody was told of;
 * - where /proc exists (Linux), every process whose environment carries the coordinator's mark (argv[2],
 *   the whole `NAME=value` entry, set in each stage's environment and so inherited by what the stage
 *   starts): this finds a group from its first instant, and a child that left its group (setsid) too.
 *
 * Plain JavaScript on purpose: it starts with bare node, without tsx.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The environment entry, as /proc/<pid>/environ lists it (the name is group-keeper.ts's RUN_MARK). */
const MARK = process.argv[2] ?? '';
const told = new Set();

process.on('message', (m) => {
  if (m?.type === 'led') told.add(m.pgid);
  else if (m?.type === 'ended') told.delete(m.pgid);
});

/** Process groups of processes that carry the mark, from /proc; null where there is no /proc. */
function markedGroups() {
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const groups = new Set();
  if (!MARK) return groups;
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      // Only a process we may read (our own user's) can be ours; it may end between the two reads.
      if (!readFileSync(`/proc/${e}/environ`, 'latin1').split('\0').includes(MARK)) continue;
      // After the command's ")": state, ppid, pgid.
      const pgid = Number(readFileSync(`/proc/${e}/stat`, 'latin1').split(') ')[1].split(' ')[2]);
      if (pgid > 0) groups.add(pgid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return groups;
}

function kill(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Kills what the coordinator left running, then ends. */
function cleanUp() {
  for (const pgid of told) kill(pgid);
  // A marked process forked while its group was being killed would be missed by one pass: look again
  // until none is left (a bounded number of times: a process that keeps escaping is not ours to chase).
  for (let pass = 0; pass < 5; pass++) {
    const groups = markedGroups();
    if (!groups?.size) break;
    for (const pgid of groups) kill(pgid);
  }
  process.exit(0);
}

process.on('disconnect', cleanUp);
// The coordinator starts no stage before this: a group it told of earlier could be missed.
if (process.connected) process.send({ type: 'ready' }, () => {});
// A replacement keeper whose coordinator was killed while it started: the channel never opened, so no
// 'disconnect' will come, and the stages it was to watch carry the mark.
else cleanUp();
