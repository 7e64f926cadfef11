/**
 * `grokpipe plan`: the scheduler's rule simulated on N workers, the critical path, and which durations
 * are measured (a run record of the same work) and which estimated (the module a stage names with
 * `estimate:`, which is kept out of the stage's key).
 */
import { describe, expect, test } from 'vitest';
import { criticalPath, simulate, type TimedInstance } from '../../src/engine/verbs/wall-time.ts';
import { cli, makeRepo } from './helpers.ts';

const chain: TimedInstance[] = [
  { name: 'a', deps: [], ms: 10 },
  { name: 'b', deps: [], ms: 4 },
  { name: 'c', deps: [], ms: 4 },
  { name: 'd', deps: ['a'], ms: 5 },
  { name: 'e', deps: ['b', 'c'], ms: 1 },
];

describe('wall-time simulation', () => {
  test('one worker takes the sum; many workers take the critical path; two follow plan order', () => {
    expect(simulate(chain, 1).wallMs).toBe(24);
    expect(simulate(chain, 100).wallMs).toBe(15);
    // two workers: a and b start; b ends at 4, c starts (plan order), ends at 8; e 8-9; a ends 10; d 10-15
    expect(simulate(chain, 2).wallMs).toBe(15);
    expect(simulate(chain, 2).coreMs).toBe(24);
    expect(criticalPath(chain)).toEqual({ ms: 15, names: ['a', 'd'] });
  });

  test('plan order decides which ready instance a free worker takes', () => {
    // Listed first, the long instance starts at once beside the three short ones (3 + 3 + 3 < 10): 10.
    const longFirst: TimedInstance[] = [{ name: 'long', deps: [], ms: 10 }, ...[1, 2, 3].map((i) => ({ name: `s${i}`, deps: [], ms: 3 }))];
    expect(simulate(longFirst, 2).wallMs).toBe(10);
    const longLast = [...longFirst.slice(1), longFirst[0]!];
    // Listed last, it waits for two short ones: 3 + 10.
    expect(simulate(longLast, 2).wallMs).toBe(13);
  });
});

const STAGE = `
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { n: { type: 'integer' } } },
  async run(ctx) { await writeFile(join(ctx.outDir, 'x.json'), JSON.stringify(ctx.params)); },
};
`;
const ESTIMATE = (seconds: number) => `export default (params) => ({ seconds: ${seconds} * (params.n ?? 1), basis: 'n x ${seconds}s' });\n`;

describe('grokpipe plan', () => {
  test('estimates from the estimate: module until an instance has run, then its recorded duration; prints the critical path', async () => {
    const repo = makeRepo({
      'stages/work.ts': STAGE,
      'stages/merge.ts': STAGE,
      'stages/work-estimate.ts': ESTIMATE(600),
      'stages/merge-estimate.ts': ESTIMATE(60),
      'pipeline.yaml': `version: 1
stages:
  work:
    uses: stages/work.ts
    estimate: stages/work-estimate.ts
    matrix: { n: [1, 2, 3] }
    params: { n: "\${matrix.n}" }
  merge:
    uses: stages/merge.ts
    estimate: stages/merge-estimate.ts
    deps: { parts: work }
`,
    });
    // A start-up of 1 ms per instance keeps the arithmetic below readable (the default is 500ms).
    const before = await cli(repo, 'plan', '--cores', '1,3', '--overhead', '1ms');
    expect(before.code, before.err).toBe(0);
    expect(before.out).toContain('4 instances; 0 measured, 4 estimated, 0 unknown');
    // 600 + 1200 + 1800 + 60 s of core time; on 3 workers the longest (n=3) then merge: 31 minutes.
    expect(before.out).toMatch(/\n\s+1\s+1h01m\s+1\.02/);
    expect(before.out).toMatch(/\n\s+3\s+31m00s\s+1\.02/);
    expect(before.out).toMatch(/critical path 31m00s[^\n]*\n\s+work\[n=3\]\s+30m00s\s+estimated: n x 600s\n\s+merge\s+1m00s/);

    const ran = await cli(repo, 'repro', 'work[n=1]');
    expect(ran.code, ran.out + ran.err).toBe(0);
    const after = await cli(repo, 'plan', '--cores', '3');
    expect(after.out).toContain('500ms of start-up added to each instance not measured');
    expect(after.out).toContain('4 instances; 1 measured, 3 estimated, 0 unknown');

    // Recalibrating the estimate changes the prediction and no key: what ran stays up to date.
    repo.write('stages/work-estimate.ts', ESTIMATE(60));
    const recalibrated = await cli(repo, 'plan', '--cores', '1', '--overhead', '1ms');
    expect(recalibrated.out).toMatch(/work\[n=3\]\s+3m00s\s+estimated: n x 60s/);
    const status = await cli(repo, 'status');
    expect(status.out, status.out).toContain('4 instances: 1 up to date, 2 stale');
    const bad = await cli(repo, 'plan', '--cores', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad value for --cores');
  });
});
