/**
 * Durations (src/engine/duration.ts) and the per-stage `timeout:` field of pipeline.yaml: one parser
 * for every duration grokpipe reads, and a malformed timeout refused at plan time with file:line:col,
 * exit 2, nothing written.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { durationMs, formatDuration, parseDuration } from '../../src/engine/duration.ts';
import { buildPlan } from '../../src/engine/pipeline/plan.ts';
import { loadProject } from '../../src/engine/pipeline/project.ts';
import { cli, makeRepo, removeRepos, snapshot } from '../engine/helpers.ts';

afterAll(removeRepos);

describe('duration parser', () => {
  test.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1d12h', 129_600_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
  ])('%s is %d ms, and formats back', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
    expect(durationMs(formatDuration(ms))).toBe(ms);
  });

  test.each([
    ['', /empty/],
    ['30', /bare number .*no unit/],
    ['1.5h', /unexpected/],
    ['-5m', /unexpected/],
    ['5 m', /unexpected/],
    ['30m1h', /out of order/],
    ['1h1h', /repeated/],
    ['0s', /zero/],
    ['5y', /unexpected/],
    ['99999999999999999999d', /too long/],
  ])('%j is refused (%s)', (text, problem) => {
    const r = parseDuration(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
    expect(() => durationMs(text)).toThrow(/invalid duration: .*expected a duration such as 90s/);
  });

  test('formatDuration gives the shortest text', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1_800_000)).toBe('30m');
    expect(formatDuration(129_600_000)).toBe('1d12h');
  });
});

const PIPE = (timeout: string, profileTimeout?: string) => `version: 1
profiles:
  base: {}
  fast:
    stages:
      s: { ${profileTimeout !== undefined ? `timeout: "${profileTimeout}"` : 'params: {}'} }
stages:
  s:
    cmd: [sh, -c, "echo hi > \${out}/o.txt"]
    outputs: [o.txt]
    timeout: "${timeout}"
`;

describe('timeout: in pipeline.yaml', () => {
  test('is read into the plan, a profile override replacing it', () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE('1h30m', '90s') });
    const project = loadProject(repo.dir);
    expect(buildPlan(project, { profile: 'base' }).stages.get('s')!.timeoutMs).toBe(5_400_000);
    expect(buildPlan(project, { profile: 'fast' }).stages.get('s')!.timeoutMs).toBe(90_000);
  });

  test('a shape the schema refuses (5 minutes) is located, with the expected form', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE('5 minutes') });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--> pipeline\.yaml:11:14/);
    expect(r.err).toContain('field: stages.s.timeout');
    expect(r.err).toContain('expected: a duration such as 90s, 30m');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(snapshot(repo, ['.grokpipe'])).toEqual({});
  });

  test('units out of order are refused by the schema pattern, zero by the plan: both located', async () => {
    const bad = makeRepo({ 'pipeline.yaml': PIPE('30m1h') });
    const r1 = await cli(bad, 'repro');
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/--> pipeline\.yaml:11:14/);
    expect(r1.err).toContain('largest unit first');
    const repo = makeRepo({ 'pipeline.yaml': PIPE('0m') });
    const r = await cli(repo, 'repro');
    expect(r.code).toBe(2);
    expect(r.err).toContain('malformed timeout of stage `s`');
    expect(r.err).toMatch(/--> pipeline\.yaml:11:14/);
    expect(r.err).toContain('is zero');
    expect(snapshot(repo, ['.grokpipe'])).toEqual({});
  });

  test('a profile override is located at the profile', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPE('1h', '0s') });
    const r = await cli(repo, 'repro', '--profile', 'fast');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--> pipeline\.yaml:6:\d+/);
    expect(r.err).toContain('field: profiles.fast.stages.s.timeout');
    expect(r.err).toContain('is zero');
  });
});
