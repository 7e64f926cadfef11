/**
 * The CLI as its users' habits expect, each found by trying it as a new user would (issue 21): one
 * meaning of -n, -C before the verb, durations that never print a unit at its limit, progress on stderr
 * and plain ASCII where NO_COLOR or TERM=dumb ask for it.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { createReporter, formatDuration } from '../../src/engine/ui/progress.ts';
import { BIN, cli, jsonStage, makeRepo, ranIn, removeRepos } from '../engine/helpers.ts';

afterAll(removeRepos);

const PIPELINE = 'version: 1\nstages:\n  a:\n    uses: stages/a.ts\n    params: { x: 1 }\n  b:\n    uses: stages/a.ts\n    deps: { up: a }\n';

function run(dir: string, env: Record<string, string>, ...argv: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', TERM: 'xterm', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('-n is a dry run everywhere; the cores are -c/--cores', () => {
  test('plan takes -c and --cores, and refuses -n with the spelling to use', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/a.ts': jsonStage() });
    const short = await cli(repo, 'plan', '-c', '2,3');
    const long = await cli(repo, 'plan', '--cores', '2,3');
    expect(short.code).toBe(0);
    expect(short.out).toBe(long.out);
    expect(short.out).toMatch(/^ {2}2 +\S+/m);
    expect(short.out).toMatch(/^ {2}3 +\S+/m);
    const n = await cli(repo, 'plan', '-n', '2');
    expect(n.code).toBe(2);
    expect(n.err).toContain('`-n` is not an option of `grokpipe plan`');
    expect(n.err).toContain('-c N or --cores N');
  });

  test('repro -n and gc -n write nothing', async () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/a.ts': jsonStage() });
    const dry = await cli(repo, 'repro', '-n');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^would run +a/m);
    expect(repo.exists('grokpipe.lock')).toBe(false);
    expect(repo.exists('artifacts')).toBe(false);
    expect((await cli(repo, 'repro')).code).toBe(0);
    repo.write('pipeline.yaml', PIPELINE.replace('x: 1', 'x: 2'));
    expect((await cli(repo, 'repro')).code).toBe(0);
    const gc = await cli(repo, 'gc', '-n');
    expect(gc.code).toBe(0);
    expect(gc.out).toMatch(/^would remove [1-9]\d* objects?/m);
    expect((await cli(repo, 'gc', '-n')).out).toBe(gc.out);
  });
});

test('-C before the verb is taken as -C after it (as git -C and make -C)', async () => {
  const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/a.ts': jsonStage() });
  const elsewhere = makeRepo({});
  const before = await cli(elsewhere, '-C', repo.dir, 'status');
  const after = await cli(elsewhere, 'status', '-C', repo.dir);
  const joined = await cli(elsewhere, `-C${repo.dir}`, 'status');
  expect(before.code).toBe(0);
  expect(before.out).toMatch(/^profile default: 2 instances: 0 up to date, 1 stale, 1 waiting/);
  expect(before).toEqual(after);
  expect(joined).toEqual(after);
});

test('durations round into the next unit instead of printing 60 of one (1m60s, 60.0s, 1000ms)', () => {
  expect(formatDuration(119_600)).toBe('2m00s');
  expect(formatDuration(59_960)).toBe('1m00s');
  expect(formatDuration(59_940)).toBe('59.9s');
  expect(formatDuration(999.7)).toBe('1.0s');
  expect(formatDuration(3_599_700)).toBe('1h00m');
  expect(formatDuration(3_723_000)).toBe('1h02m');
  expect(formatDuration(92_000)).toBe('1m32s');
});

describe('progress is on stderr and plain where asked', () => {
  test('repro writes its progress to stderr and nothing to stdout; NO_COLOR and TERM=dumb give ASCII marks', () => {
    const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/a.ts': jsonStage() });
    const first = run(repo.dir, {}, 'repro');
    expect(first.code).toBe(0);
    expect(first.out).toBe('');
    expect(ranIn(first.err)).toEqual(['a', 'b']);
    repo.write('pipeline.yaml', PIPELINE.replace('x: 1', 'x: 2'));
    const plain = run(repo.dir, { NO_COLOR: '1' }, 'repro');
    expect(plain.code).toBe(0);
    expect(plain.out).toBe('');
    expect(plain.err).toMatch(/^\+ ran +a in /m);
    expect(plain.err).toMatch(/^[\x20-\x7e\n]*$/);
    repo.write('pipeline.yaml', PIPELINE.replace('x: 1', 'x: 3'));
    const dumb = run(repo.dir, { TERM: 'dumb' }, 'repro');
    expect(dumb.err).toMatch(/^\+ ran +a in /m);
    expect(dumb.err).toMatch(/^[\x20-\x7e\n]*$/);
  });

  test('on a terminal with TERM=dumb nothing is redrawn: no cursor movement, ASCII marks', () => {
    for (const [env, redraws] of [[{ TERM: 'xterm-256color' }, true], [{ TERM: 'dumb' }, false]] as const) {
      let text = '';
      const rep = createReporter({ write: (t) => void (text += t), isTTY: true, columns: 100 }, { env });
      rep.begin({ profile: 'p', total: 1, jobs: 1 });
      rep.start('a', 'run');
      rep.finish('a', { status: 'failed', reason: 'boom' });
      rep.end({ profile: 'p', ran: 0, restored: 0, upToDate: 0, failed: 1, skipped: 0, wallMs: 5 });
      expect(text.includes('\x1b['), JSON.stringify(env)).toBe(redraws);
      expect(text).toContain(redraws ? '✗ FAILED    a: boom' : 'x FAILED    a: boom');
    }
  });
});

describe('show and dag say what they can know', () => {
  const CMD = `version: 1
stages:
  write:
    cmd: ["sh", "-c", 'printf %s "$1" > "$2/msg.txt"', "sh", "\${params.msg}", "\${out}"]
    params: { msg: hello }
    outputs: [msg.txt]
  copy:
    cmd: ["cp", "\${deps.w}/msg.txt", "\${out}/copy.txt"]
    deps: { w: write }
`;

  test("show: a waiting instance's lock entry is not said to differ; ${...} is shown as written, also in --json", async () => {
    const repo = makeRepo({ 'pipeline.yaml': CMD });
    expect((await cli(repo, 'repro')).code).toBe(0);
    const built = await cli(repo, 'show', 'copy', '--json');
    expect(built.out).toContain('"${deps.w}/msg.txt"');
    expect(built.out).toContain('"${out}/copy.txt"');
    expect(built.out).not.toMatch(/[\u2983\u2984]/);
    // The key is unchanged: what is hashed keeps its own form, only the display is converted.
    expect(JSON.parse(built.out).manifest.key).toBe(JSON.parse(repo.read('grokpipe.lock')).profiles.default.copy.key);
    repo.write('pipeline.yaml', CMD.replace('msg: hello', 'msg: bye'));
    const waiting = await cli(repo, 'show', 'copy');
    expect(waiting.out).toMatch(/^state +waiting/m);
    expect(waiting.out).toMatch(/^lock +[0-9a-f]{64} \(compared once its upstream has run\)$/m);
    expect(waiting.out).not.toContain('differs');
  });

  test('dag: a sharded stage is one node without an edge to itself (which read as a cycle)', async () => {
    const repo = makeRepo({
      'pipeline.yaml': 'version: 1\nvars: { n: 2 }\nstages:\n  walk:\n    uses: stages/walk.ts\n    params: { n: "${vars.n}" }\n    shard: { axis: seed, count: n, barrier: true }\n  sum:\n    uses: stages/walk.ts\n    deps: { walk: walk }\n',
      'stages/walk.ts': 'export default {};\n',
    });
    const text = await cli(repo, 'dag');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^walk \(1 instance, stages\/walk\.ts; sharded by seed, merged within the stage\)$/m);
    expect(text.out).not.toMatch(/^walk [^\n]*\n {4}<- /m);
    expect(text.out).toMatch(/^sum [^\n]*\n {4}<- walk$/m);
    const dot = await cli(repo, 'dag', '--dot');
    expect(dot.out).not.toContain('"walk" -> "walk"');
    expect(dot.out).toContain('"walk" -> "sum"');
    const mermaid = await cli(repo, 'dag', '--mermaid');
    expect(mermaid.out).not.toMatch(/(n\d+) --> \1$/m);
    // The instances keep every edge: shards, barrier, merge.
    const instances = await cli(repo, 'dag', '--instances');
    expect(instances.out).toMatch(/^walk\.barrier\n {4}<- walk\.run\[seed=0\], walk\.run\[seed=1\]$/m);
  });
});

test('repro takes -c/--cores as Snakemake users type it, the same as -j; both at once is refused', async () => {
  const repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/a.ts': jsonStage() });
  const r = await cli(repo, 'repro', '-c', '1');
  expect(r.code, r.err).toBe(0);
  expect(r.err).toMatch(/^repro: 2 instances in profile default, up to 1 in parallel$/m);
  repo.write('pipeline.yaml', PIPELINE.replace('x: 1', 'x: 2'));
  expect((await cli(repo, 'repro', '--cores', '2')).err).toMatch(/^repro: 2 instances in profile default, up to 2 in parallel$/m);
  const both = await cli(repo, 'repro', '-j', '2', '-c', '2');
  expect(both.code).toBe(2);
  expect(both.err).toContain('give -j or -c, not both');
});
