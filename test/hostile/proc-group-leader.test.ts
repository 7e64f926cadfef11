/**
 * A cmd stage's command is started by grokpipe itself, as the leader of a new process group: no Node
 * process stands between them (one per instance cost tens of milliseconds of CPU each, more than a small
 * command). The guarantees that process gave are kept by other means, and checked in proc-groups.test.ts.
 */
import { afterAll, expect, test } from 'vitest';
import { gone, makeRepo, removeRepos, spawnCli, waitFor } from '../engine/helpers.ts';

afterAll(removeRepos);

/** Each instance records its shell's pid, its parent's pid and its process group, then writes its output. */
const PIPE = `version: 1
vars:
  n: [0, 1, 2]
stages:
  who:
    matrix: { i: \${vars.n} }
    cmd: [sh, -c, "echo $$ $PPID $(ps -o pgid= -p $$) > who-\${matrix.i}.txt; echo \${matrix.i} > \${out}/o.txt"]
`;

test('each cmd instance leads its own process group and is a child of grokpipe itself', async () => {
  const repo = makeRepo({ 'pipeline.yaml': PIPE });
  const child = spawnCli(repo, 'repro', '-j', '2');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(code).toBe(0);
  const groups = new Set<number>();
  for (const i of [0, 1, 2]) {
    const [pid, ppid, pgid] = repo.read(`who-${i}.txt`).trim().split(/\s+/).map(Number);
    expect(ppid).toBe(child.pid);
    expect(pgid).toBe(pid);
    groups.add(pgid!);
  }
  expect(groups.size).toBe(3);
  // Every group is gone once grokpipe has exited; its one group keeper ends with it.
  await waitFor(() => [...groups].every(gone), 'every stage group to be gone', 3000);
}, 30000);
