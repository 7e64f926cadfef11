/**
 * Progress: a stage's ctx.progress and ctx.log reach the reporter over IPC; the terminal renderer
 * redraws live lines in place and the CI renderer prints plain lines; both end with the summary.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { createReporter, formatDuration, summaryLine } from '../../src/engine/ui/progress.ts';
import type { Reporter } from '../../src/engine/ui/reporter.ts';
import { repro } from '../../src/engine/verbs/repro.ts';
import { makeRepo, removeRepos } from './helpers.ts';

afterAll(removeRepos);

describe('progress', () => {
  test('progress and log messages of a running stage reach the reporter', async () => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nstages:\n  train:\n    uses: stages/train.ts\n    params: { steps: 5 }\n',
      'stages/train.ts': `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    for (let i = 1; i <= ctx.params.steps; i++) {
      ctx.progress({ done: i, total: ctx.params.steps, phase: 'train', detail: 'loss ' + 1 / i });
      await new Promise((r) => setTimeout(r, 120));
    }
    ctx.log('finished training');
    console.log('plain stdout line');
    await writeFile(join(ctx.outDir, 'done.json'), '{}');
  },
};
`,
    });
    const events: string[] = [];
    const reporter: Reporter = {
      begin: (i) => events.push(`begin ${i.total}`),
      start: (n, a) => events.push(`start ${n} ${a}`),
      progress: (n, p) => events.push(`progress ${n} ${p.phase} ${p.done}/${p.total} ${p.detail}`),
      log: (n, l) => events.push(`log ${n} ${l}`),
      warn: (m) => events.push(`warn ${m}`),
      finish: (n, o) => events.push(`finish ${n} ${o.status}`),
      end: (s) => events.push(`end ran=${s.ran}`),
    };
    const r = await repro(repo.dir, { reporter });
    expect(r.exitCode).toBe(0);
    const progress = events.filter((e) => e.startsWith('progress'));
    // Throttled to 10 per second in the stage process, but the last report always arrives.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe('progress train train 5/5 loss 0.2');
    expect(events).toContain('log train finished training');
    expect(events).toContain('log train plain stdout line');
    expect(events[0]).toBe('begin 1');
    expect(events.at(-1)).toBe('end ran=1');
    expect(events.indexOf('start train run')).toBeLessThan(events.indexOf('finish train ran'));
  });

  test('off a terminal: start, progress, finish lines and the summary', () => {
    let out = '';
    const rep = createReporter({ write: (t) => void (out += t), isTTY: false }, { plainEveryMs: 0 });
    rep.begin({ profile: 'quick', total: 2, jobs: 2 });
    rep.start('cell[p=59]', 'run');
    rep.progress('cell[p=59]', { done: 100, total: 1000, phase: 'train' });
    rep.progress('cell[p=59]', { done: 400, total: 1000, phase: 'train', detail: 'test acc 0.43, grokked 0/1' });
    rep.finish('cell[p=59]', { status: 'ran', ms: 61_000 });
    rep.finish('cell[p=97]', { status: 'up-to-date' });
    rep.end({ profile: 'quick', ran: 1, restored: 0, upToDate: 1, failed: 0, skipped: 0, wallMs: 62_000 });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('repro: 2 instances in profile quick, up to 2 in parallel');
    expect(lines[1]).toBe('> start     cell[p=59]');
    expect(lines[2]).toMatch(/^ {2}cell\[p=59\] {2}train 100\/1000 {2}10% {2}\(\d+ms\)$/);
    expect(lines[3]).toMatch(/^ {2}cell\[p=59\] {2}train 400\/1000 {2}40% {2}eta \S+ {2}\(\d+ms\) {2}test acc 0\.43, grokked 0\/1$/);
    expect(lines[4]).toBe('✓ ran       cell[p=59] in 1m01s');
    expect(lines.at(-1)).toBe('ran 1, restored 0, up to date 1, failed 0; wall time 1m02s (profile quick)');
    expect(out).not.toContain('\x1b[');
  });

  test('on a terminal: live lines redrawn in place, finished instances above them', () => {
    let out = '';
    const rep = createReporter({ write: (t) => void (out += t), isTTY: true, columns: 100 });
    rep.begin({ profile: 'paper', total: 3, jobs: 2 });
    rep.start('a', 'run');
    rep.start('b', 'run');
    rep.progress('a', { done: 5, total: 10, phase: 'seed 2/4' });
    rep.finish('b', { status: 'failed', reason: 'stage threw: boom', detail: ['at x'] });
    rep.end({ profile: 'paper', ran: 0, restored: 0, upToDate: 0, failed: 1, skipped: 0, wallMs: 500 });
    // The finish line is printed after clearing the live block (cursor up + clear to end of screen).
    expect(out).toContain('✗ FAILED    b: stage threw: boom\n      | at x\n');
    expect(out).toMatch(/ {2}a {2}seed 2\/4 5\/10 {2}50%/);
    expect(out).toMatch(/\x1b\[\d+F\x1b\[J/);
    expect(out.endsWith('ran 0, restored 0, up to date 0, failed 1; wall time 500ms (profile paper)\n')).toBe(true);
  });

  test('durations and the no-op summary read naturally', () => {
    expect(formatDuration(950)).toBe('950ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(92_000)).toBe('1m32s');
    expect(formatDuration(3_723_000)).toBe('1h02m');
    expect(summaryLine({ profile: 'quick', ran: 0, restored: 0, upToDate: 7, failed: 0, skipped: 0, wallMs: 150 })).toBe('nothing to do: 7 instances up to date (profile quick, 150ms)');
  });
});
