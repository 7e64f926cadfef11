/**
 * A grandchild that leaves the stage's process group (setsid) is not killed with the group. Finding: one
 * that writes into the instance's folder after the stage is reported done was noticed by status and
 * undone by repro, while the docs promised that no background process outlives a stage. Class: the docs
 * (docs/pipeline.md, "Processes, signals, timeouts") promise what this test holds: the late write is not
 * an output, status calls the instance stale, repro restores the stored outputs over it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, waitFor } from '../engine/helpers.ts';

afterAll(removeRepos);

// The stage ends only once the grandchild has left its group (the marker $m, outside the repository): the
// engine kills the group as soon as the stage's command exits, and a grandchild not yet out by then goes
// with it, as it should; under load that was a race this test did not mean to test.
describe('a grandchild that escapes the process group', () => {
  test('its late write is not an output: status says stale, repro restores the stored outputs', async () => {
    const repo = makeRepo({
      'pipeline.yaml': `version: 1
stages:
  s:
    cmd: [sh, -c, 'm=$(mktemp -u); cd "$0" && setsid sh -c "touch $m; sleep 1; echo late > late.txt" > /dev/null 2>&1 < /dev/null & while [ ! -e "$m" ]; do sleep 0.01; done; rm -f "$m"; echo ok > "$0/o.txt"', "\${out}"]
`,
    });
    const r = await cli(repo, 'repro');
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(repo.read('artifacts/s/manifest.json'));
    expect(Object.keys(manifest.outputs)).toEqual(['o.txt']);
    await waitFor(() => existsSync(join(repo.dir, 'artifacts/s/late.txt')), 'the escaped grandchild to write', 10000);
    const status = await cli(repo, 'status');
    expect(status.out).toMatch(/1 instances?: 0 up to date/);
    const again = await cli(repo, 'repro');
    expect(again.code, again.err).toBe(0);
    expect(again.err + again.out).toMatch(/restored\s+s/);
    expect(repo.exists('artifacts/s/late.txt')).toBe(false);
    expect(repo.read('artifacts/s/o.txt')).toBe('ok\n');
    expect((await cli(repo, 'status')).out).toMatch(/1 up to date/);
  });
});
