/**
 * verify: claims.yaml checked against up-to-date artifacts (PASS, FAIL, SKIP; exit 1 on a failure,
 * 2 on a bad claims.yaml with its line), and verify --lock rebuilding locked instances in a scratch
 * folder: identical for a deterministic stage, a difference reported for one that is not, with the
 * store and artifacts left as they were.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, makeRepo, removeRepos, snapshot, type Repo } from './helpers.ts';

const PIPELINE = `version: 1
default_profile: quick
vars:
  n: 10
profiles:
  quick: {}
  paper: { vars: { n: 20 } }
stages:
  calc:
    uses: stages/calc.ts
    matrix: { k: [1, 2] }
    params: { k: \${matrix.k}, n: \${vars.n} }
  clock:
    uses: stages/clock.ts
`;

// mean of k * i for i < n, written as result.json { mean, label, ok }.
const CALC = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { k: { type: 'number' }, n: { type: 'integer' } }, required: ['k', 'n'] },
  async run(ctx: any) {
    let s = 0;
    for (let i = 0; i < ctx.params.n; i++) s += ctx.params.k * i;
    await writeFile(join(ctx.outDir, 'result.json'), JSON.stringify({ stats: { mean: s / ctx.params.n }, label: 'k' + ctx.params.k, ok: true }));
  },
};
`;
// Not reproducible on purpose: its output depends on the process's high-resolution clock.
const CLOCK = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) { await writeFile(join(ctx.outDir, 't.json'), JSON.stringify({ t: process.hrtime.bigint().toString() })); },
};
`;

const mean = (k: number, n: number) => (k * (n - 1)) / 2;

const CLAIMS = (published1: number) => `claims:
  - id: mean_k1
    title: "Mean for k = 1"
    published: ${published1}
    reproduced: { instance: "calc[k=1]", file: result.json, path: stats.mean }
    check: { type: within, tolerance: 0.1, relative: true }
  - id: mean_k2_interval
    published: [8, 10]
    reproduced: { instance: "calc[k=2]", file: result.json, path: stats.mean }
    check: { type: in_interval }
  - id: label
    published: k2
    reproduced: { instance: "calc[k=2]", file: result.json, path: label }
    check: { type: equals }
  - id: paper_only
    published: ${mean(1, 20)}
    reproduced: { instance: "calc[k=1]", file: result.json, path: stats.mean }
    check: { type: at_least }
    profiles: [paper]
`;

let repo: Repo;

beforeAll(async () => {
  repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/calc.ts': CALC, 'stages/clock.ts': CLOCK, 'claims.yaml': CLAIMS(mean(1, 10)) });
  expect((await cli(repo, 'repro')).code).toBe(0);
});

afterAll(removeRepos);

describe('verify (claims)', () => {
  test('passing claims print PASS, claims of another profile SKIP, exit 0', async () => {
    const r = await cli(repo, 'verify');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mean_k1\s+Mean for k = 1\s+4\.5\s+4\.5\s+within ±0\.1 \(rel\)\s+PASS$/m);
    expect(r.out).toMatch(/^mean_k2_interval\s+\[8, 10\]\s+9\s+in_interval\s+PASS$/m);
    expect(r.out).toMatch(/^label\s+k2\s+k2\s+equals\s+PASS$/m);
    expect(r.out).toMatch(/^paper_only\s.*SKIP$/m);
    expect(r.out).toContain('3 passed, 0 failed, 1 skipped');
  });

  test('a value outside the tolerance fails with exit 1 and says by how much', async () => {
    repo.write('claims.yaml', CLAIMS(5.5));
    const r = await cli(repo, 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^mean_k1\s.*FAIL$/m);
    expect(r.out).toContain(`off by ${Math.abs(5.5 - mean(1, 10))}, allowed ${Number((0.1 * 5.5).toPrecision(4))}`);
    repo.write('claims.yaml', CLAIMS(mean(1, 10)));
  });

  // Issue 21: a claim whose artifact is missing was FAIL, so a tree never built read "0 passed, N
  // failed"; it is NOT BUILT, with exit 3, and a stale folder is still never read.
  test('an instance not built for the profile is NOT BUILT (exit 3) instead of reading a stale folder', async () => {
    const r = await cli(repo, 'verify', '--profile', 'paper');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/paper_only\s.*NOT BUILT$/m);
    expect(r.out).toContain('calc[k=1] is not built for profile paper');
    expect(r.out).toMatch(/^label\s.*NOT BUILT$/m);
    expect(r.out).toContain('0 passed, 0 failed, 0 skipped, 4 not built');
  });

  test('a bad claims.yaml is an input error with its line and column', async () => {
    repo.write('claims.yaml', CLAIMS(4.5).replace('check: { type: equals }', 'check: { type: approximately }'));
    const r = await cli(repo, 'verify');
    expect(r.code).toBe(2);
    const lines = repo.read('claims.yaml').split('\n');
    const line = lines.findIndex((l) => l.includes('approximately')) + 1;
    const col = lines[line - 1]!.indexOf('approximately') + 1;
    expect(r.err).toContain(`--> claims.yaml:${line}:${col}`);
    expect(r.err).toContain('field: claims[2].check.type');
    repo.write('claims.yaml', CLAIMS(mean(1, 10)));
  });
});

describe('a fresh clone', () => {
  test('status says the lock has the key but nothing is local, and repro rebuilds to the same hashes', async () => {
    const clone = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/calc.ts': CALC, 'stages/clock.ts': CLOCK, 'grokpipe.lock': repo.read('grokpipe.lock') });
    const st = await cli(clone, 'status');
    expect(st.out).toMatch(/^stale\s+calc\[k=1\]: grokpipe.lock has this key, but there is no local copy of its outputs/m);
    expect((await cli(clone, 'repro', 'calc')).code).toBe(0);
    const locked = JSON.parse(repo.read('grokpipe.lock')).profiles.quick;
    const rebuilt = JSON.parse(clone.read('grokpipe.lock')).profiles.quick;
    expect(rebuilt['calc[k=1]']).toEqual(locked['calc[k=1]']);
    expect(rebuilt['calc[k=2]']).toEqual(locked['calc[k=2]']);
  });
});

describe('verify --lock', () => {
  test('rebuilding deterministic instances matches the lock; the store and artifacts are untouched', async () => {
    const before = snapshot(repo);
    const r = await cli(repo, 'verify', '--lock', 'calc[k=1]', 'calc[k=2]');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS  calc\[k=1\]/m);
    expect(r.out).toMatch(/^PASS  calc\[k=2\]/m);
    expect(snapshot(repo)).toEqual(before);
  });

  test('a stage that is not reproducible is caught, naming the file that differs', async () => {
    const before = snapshot(repo);
    const r = await cli(repo, 'verify', '--lock');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL  clock .*1 output differs from the lock/m);
    expect(r.out).toMatch(/^\s+t\.json: lock [0-9a-f]{16}\s+rebuilt [0-9a-f]{16}/m);
    expect(r.out).toContain('2 identical to the lock, 1 differ or failed');
    expect(snapshot(repo)).toEqual(before);
  });

  test('an artifact altered by hand fails, naming the file; repro restores it and verify passes again', async () => {
    const file = 'artifacts/calc[k=1]/result.json';
    const good = repo.read(file);
    repo.write(file, good.replace('"ok":true', '"ok":false'));
    const r = await cli(repo, 'verify', '--lock', 'calc[k=2]');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL  calc\[k=1\]: artifacts\/calc\[k=1\] differs from the lock in 1 file/m);
    expect(r.out).toMatch(/^\s+result\.json: lock [0-9a-f]{16}\s+found [0-9a-f]{16}/m);
    expect((await cli(repo, 'repro', 'calc')).code).toBe(0);
    expect(repo.read(file)).toBe(good);
    const again = await cli(repo, 'verify', '--lock', 'calc[k=2]');
    expect(again.code).toBe(0);
    expect(again.out).toContain('0 differ');
  });

  test('--sample N rebuilds N instances, the same ones every time', async () => {
    const a = await cli(repo, 'verify', '--lock', '--sample', '2');
    const b = await cli(repo, 'verify', '--lock', '--sample', '2');
    const names = (out: string) => [...out.matchAll(/^(?:PASS|FAIL)  (\S+)/gm)].map((m) => m[1]);
    expect(names(a.out)).toHaveLength(2);
    expect(names(a.out)).toEqual(names(b.out));
  });
});
