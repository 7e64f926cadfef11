/**
 * CI-grade output (issue 21): `--json` on status, verify, plan and times is one canonical JSON document
 * on stdout and nothing else; every field it holds is documented in docs/json.md; `status --exit-code`
 * answers "is anything to do?"; verify tells a claim whose artifact is missing (NOT BUILT, exit 3) from
 * one that failed (exit 1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonicalJsonPretty } from '../../src/core/canonical-json.ts';
import { cli, jsonStage, makeRepo, PROJECT, removeRepos, type Repo } from '../engine/helpers.ts';

const PIPELINE = `version: 1
default_profile: quick
profiles:
  quick: {}
stages:
  a:
    uses: stages/a.ts
    matrix: { k: [1, 2] }
    params: { k: "\${matrix.k}" }
  b:
    uses: stages/a.ts
    deps: { up: "a" }
`;

const CLAIMS = (published: number) => `claims:
  - id: k_of_a1
    title: "k of a[k=1]"
    published: ${published}
    reproduced: { instance: "a[k=1]", file: out.json, path: params.k }
    check: { type: equals }
`;

let repo: Repo;
beforeAll(() => {
  repo = makeRepo({ 'pipeline.yaml': PIPELINE, 'stages/a.ts': jsonStage(), 'claims.yaml': CLAIMS(1) });
});
afterAll(removeRepos);

/** Runs a verb with --json: stdout must be exactly one canonical document; warnings may go to stderr. */
async function json(...argv: string[]): Promise<{ code: number; doc: Record<string, unknown> }> {
  const r = await cli(repo, ...argv, '--json');
  const doc = JSON.parse(r.out) as Record<string, unknown>;
  expect(r.out, `${argv.join(' ')} --json is canonical`).toBe(canonicalJsonPretty(doc));
  return { code: r.code, doc };
}

/** Every key of a JSON value, at any depth. */
function fieldsOf(v: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) fieldsOf(x, into);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      into.add(k);
      // A claim's `check` is claims.yaml's own object; its keys are documented with claims.yaml.
      if (k !== 'published' && k !== 'reproduced') fieldsOf(x, into);
    }
  }
  return into;
}

const seen: Array<Record<string, unknown>> = [];

describe('never built', () => {
  test('status --exit-code is 1 when something is to do; --json lists every instance with its state', async () => {
    const text = await cli(repo, 'status', '--exit-code');
    expect(text.code).toBe(1);
    expect((await cli(repo, 'status')).code).toBe(0); // without the flag, status stays a report
    const { code, doc } = await json('status', '--exit-code');
    expect(code).toBe(1);
    seen.push(doc);
    expect(doc).toMatchObject({ grokpipe: 'status', version: 1, profile: 'quick', counts: { 'up-to-date': 0, stale: 2, waiting: 1, restorable: 0 } });
    const rows = doc.instances as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.instance, r.stage, r.state])).toEqual([['a[k=1]', 'a', 'stale'], ['a[k=2]', 'a', 'stale'], ['b', 'b', 'waiting']]);
    expect(rows[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[2]!.key).toBeNull();
  });

  test('verify: every claim NOT BUILT, exit 3, not "0 passed, 1 failed"', async () => {
    const text = await cli(repo, 'verify');
    expect(text.code).toBe(3);
    expect(text.out).toMatch(/^k_of_a1\s.*NOT BUILT$/m);
    expect(text.out).toContain('0 passed, 0 failed, 0 skipped, 1 not built');
    const { code, doc } = await json('verify');
    expect(code).toBe(3);
    seen.push(doc);
    expect(doc).toMatchObject({ grokpipe: 'verify', profile: 'quick', exitCode: 3, counts: { pass: 0, fail: 0, skip: 0, 'not-built': 1 } });
    expect((doc.claims as unknown[])[0]).toMatchObject({ id: 'k_of_a1', status: 'not-built', reproduced: null, instance: 'a[k=1]', file: 'out.json', path: 'params.k' });
  });

  test('times --json: nothing ran yet', async () => {
    const { code, doc } = await json('times');
    expect(code).toBe(0);
    seen.push(doc);
    expect(doc.total).toEqual({ ran: 0, restored: 0, notBuilt: 3, ranMs: 0 });
  });
});

describe('built', () => {
  beforeAll(async () => {
    expect((await cli(repo, 'repro')).code).toBe(0);
  });

  test('status --exit-code is 0 when every instance is up to date', async () => {
    expect((await cli(repo, 'status', '--exit-code')).code).toBe(0);
    const { code, doc } = await json('status', '--exit-code');
    expect(code).toBe(0);
    expect(doc.counts).toEqual({ 'up-to-date': 3, stale: 0, waiting: 0, restorable: 0 });
    // A param added: the JSON names the change, old and new, as status --why does.
    repo.write('pipeline.yaml', PIPELINE.replace('params: { k: "\${matrix.k}" }', 'params: { k: "\${matrix.k}", z: 1 }'));
    const changed = await json('status', '--exit-code');
    expect(changed.code).toBe(1);
    seen.push(changed.doc);
    const rows = changed.doc.instances as Array<{ instance: string; state: string; baseline: string | null; changes: unknown[] }>;
    expect(rows.map((r) => r.state)).toEqual(['stale', 'stale', 'waiting']);
    expect(rows[0]!.baseline).toEqual(expect.any(String));
    expect(rows[0]!.changes).toEqual([{ component: 'params', what: 'params.z', old: '(absent)', new: '1' }]);
    repo.write('pipeline.yaml', PIPELINE);
  });

  test('verify --json: PASS with exit 0, FAIL with exit 1', async () => {
    const pass = await json('verify');
    expect(pass.code).toBe(0);
    expect(pass.doc).toMatchObject({ exitCode: 0, counts: { pass: 1, fail: 0, skip: 0, 'not-built': 0 } });
    expect((pass.doc.claims as unknown[])[0]).toMatchObject({ status: 'pass', published: 1, reproduced: 1, check: { type: 'equals', tolerance: null, relative: false }, note: null });
    repo.write('claims.yaml', CLAIMS(2));
    const fail = await json('verify');
    repo.write('claims.yaml', CLAIMS(1));
    expect(fail.code).toBe(1);
    seen.push(fail.doc);
    expect((fail.doc.claims as unknown[])[0]).toMatchObject({ status: 'fail', reproduced: 1 });
  });

  test('verify --lock --json: each rebuilt instance and each folder of artifacts/', async () => {
    const { code, doc } = await json('verify', '--lock', 'a[k=1]');
    expect(code).toBe(0);
    seen.push(doc);
    expect(doc).toMatchObject({ grokpipe: 'verify-lock', profile: 'quick', exitCode: 0 });
    expect((doc.rebuilt as unknown[])[0]).toMatchObject({ instance: 'a[k=1]', status: 'pass', diffs: [] });
    expect(Number.isInteger((doc.rebuilt as Array<{ ms: number }>)[0]!.ms)).toBe(true); // whole milliseconds, as documented
  });

  test('times --json and plan --json: the measured durations', async () => {
    const times = await json('times');
    seen.push(times.doc);
    expect(times.doc.total).toMatchObject({ ran: 3, restored: 0, notBuilt: 0 });
    const stages = times.doc.stages as Array<{ stage: string; ran: number; longest: { instance: string; ms: number } }>;
    expect(stages.map((s) => s.stage).sort()).toEqual(['a', 'b']);
    expect(stages.find((s) => s.stage === 'a')!.longest.instance).toMatch(/^a\[k=[12]\]$/);
    const plan = await json('plan', '--cores', '1,2');
    expect(plan.code).toBe(0);
    seen.push(plan.doc);
    expect(plan.doc).toMatchObject({ grokpipe: 'plan', profile: 'quick', instances: 3, durations: { measured: { count: 3 } } });
    const workers = plan.doc.workers as Array<{ workers: number; wallMs: number; coreMs: number }>;
    expect(workers.map((w) => w.workers)).toEqual([1, 2]);
    expect(workers[0]!.wallMs).toBe(workers[0]!.coreMs); // one worker: wall time is the core time
    expect(workers[1]!.wallMs).toBeLessThanOrEqual(workers[0]!.wallMs);
    const path = plan.doc.criticalPath as { instances: Array<{ instance: string; kind: string }> };
    expect(path.instances.at(-1)).toMatchObject({ instance: 'b', kind: 'measured' });
  });
});

test('every field of every document above is documented in docs/json.md', () => {
  const doc = readFileSync(join(PROJECT, 'docs', 'json.md'), 'utf8');
  const fields = new Set<string>();
  for (const d of seen) fieldsOf(d, fields);
  expect(fields.size).toBeGreaterThan(30);
  // Named in code font, alone (`ranMs`) or in an object's outline (`{ file, locked, found }`).
  const named = new Set([...doc.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1]!.split(/[^\w-]+/)));
  for (const f of fields) expect(named.has(f), `docs/json.md documents \`${f}\``).toBe(true);
});
