/**
 * Shards (src/engine/pipeline/shards.ts): a stage declaring `shard:` runs one instance per shard and merges them
 * under its own name; with a barrier, each shard is finished to what the barrier decides. The stage here
 * is a toy with the shape of training seeds: shard i counts up to its own stop (STOPS[i]); the barrier
 * takes the largest; finish continues a shard to it; the merge lists every shard's trace.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { repro } from '../../src/engine/verbs/repro.ts';
import { cli, makeRepo, removeRepos, type Repo } from './helpers.ts';

const WALK = `import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
const STOPS = [2, 5, 3, 8, 1];
const put = (ctx: any, file: string, v: unknown) => writeFile(join(ctx.outDir, file), JSON.stringify(v) + '\\n');
const trace = (from: number, to: number, k: number) => Array.from({ length: to - from + 1 }, (_, j) => (from + j) * k);
export default {
  params: { type: 'object', additionalProperties: false, required: ['n', 'k'], properties: { n: { type: 'integer' }, k: { type: 'integer' } } },
  async run(ctx: any) {
    if ('n' in ctx.params) throw new Error('a shard must not see the count');
    const i = ctx.shard.value;
    await put(ctx, 'out.json', { shard: i, stop: STOPS[i], trace: trace(0, STOPS[i], ctx.params.k) });
  },
  async barrier(ctx: any) {
    const stops = await Promise.all(ctx.shard.shards.map(async (s: any) => (await s.json('out.json')).stop));
    await put(ctx, 'stop.json', { step: Math.max(...stops) });
  },
  async finish(ctx: any) {
    const mine = await ctx.shard.run.json('out.json');
    const { step } = await ctx.shard.barrier.json('stop.json');
    const rest = step > mine.stop ? trace(mine.stop + 1, step, ctx.params.k) : [];
    await put(ctx, 'out.json', { shard: mine.shard, stop: step, trace: [...mine.trace, ...rest] });
  },
  async merge(ctx: any) {
    const all = await Promise.all(ctx.shard.shards.map((s: any) => s.json('out.json')));
    await put(ctx, 'total.json', { n: ctx.params.n, stops: all.map((a: any) => a.stop), traces: all.map((a: any) => a.trace) });
  },
};
`;

const READ = `import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object' },
  async run(ctx: any) {
    const t = await ctx.inputs.walk.json('total.json');
    await writeFile(join(ctx.outDir, 'sum.json'), JSON.stringify({ stops: t.stops }) + '\\n');
  },
};
`;

function pipeline(shard: string): string {
  return `version: 1
vars: { n: 2 }
stages:
  walk:
    uses: stages/walk.ts
    matrix: { k: [1, 2] }
    params: { n: "\${vars.n}", k: "\${matrix.k}" }
    shard: ${shard}
  sum:
    uses: stages/read.ts
    deps: { walk: "walk[k=1]" }
`;
}

function walkRepo(shard = '{ axis: seed, count: n, barrier: true }'): Repo {
  return makeRepo({ 'pipeline.yaml': pipeline(shard), 'stages/walk.ts': WALK, 'stages/read.ts': READ });
}

const byStatus = (outcomes: Map<string, { status: string }>, status: string) =>
  [...outcomes].filter(([, o]) => o.status === status).map(([n]) => n).sort();

afterAll(removeRepos);

describe('a sharded stage', () => {
  test('runs each shard, finishes it at the barrier, merges under the original name; growing runs only what changed', async () => {
    const repo = walkRepo();
    const first = await repro(repo.dir, { jobs: 2, targets: ['sum'] });
    expect(first.exitCode).toBe(0);
    expect(byStatus(first.outcomes, 'ran')).toEqual(['sum', 'walk.barrier[k=1]', 'walk.run[k=1,seed=0]', 'walk.run[k=1,seed=1]', 'walk[k=1,seed=0]', 'walk[k=1,seed=1]', 'walk[k=1]']);
    // shard 0 stopped at 2 alone and was continued to the barrier's stop, 5
    expect(JSON.parse(repo.read('artifacts/walk[k=1]/total.json'))).toEqual({ n: 2, stops: [5, 5], traces: [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]] });
    expect(JSON.parse(repo.read('artifacts/sum/sum.json'))).toEqual({ stops: [5, 5] });
    expect(Object.keys(JSON.parse(repo.read('grokpipe.lock')).profiles.default)).toHaveLength(7);

    // 2 -> 3 shards; the new one stops at 3, before 5: the old shards' finishes keep their keys
    const dry = await cli(repo, 'repro', '--dry-run', '--set', 'vars.n=3', 'walk[k=1]');
    expect(dry.code, dry.err).toBe(0);
    const planned = Object.fromEntries([...dry.out.matchAll(/^(up to date|would restore|would run\??)\s+(\S+)/gm)].map((m) => [m[2], m[1]]));
    expect(planned).toEqual({
      'walk.run[k=1,seed=0]': 'up to date',
      'walk.run[k=1,seed=1]': 'up to date',
      'walk.run[k=1,seed=2]': 'would run',
      // these keys follow the barrier's output, known once the new shard has run
      'walk.barrier[k=1]': 'would run?',
      'walk[k=1,seed=0]': 'would run?',
      'walk[k=1,seed=1]': 'would run?',
      'walk[k=1,seed=2]': 'would run?',
      'walk[k=1]': 'would run?',
    });
    const grown = await repro(repo.dir, { jobs: 2, set: ['vars.n=3'], targets: ['walk[k=1]'] });
    expect(grown.exitCode).toBe(0);
    expect(byStatus(grown.outcomes, 'ran')).toEqual(['walk.barrier[k=1]', 'walk.run[k=1,seed=2]', 'walk[k=1,seed=2]', 'walk[k=1]']);
    expect(byStatus(grown.outcomes, 'up-to-date')).toEqual(['walk.run[k=1,seed=0]', 'walk.run[k=1,seed=1]', 'walk[k=1,seed=0]', 'walk[k=1,seed=1]']);
    expect(JSON.parse(repo.read('artifacts/walk[k=1]/total.json')).stops).toEqual([5, 5, 5]);

    // 3 -> 4: the new shard stops at 8 and moves the barrier; every shard is continued, none run again
    const moved = await repro(repo.dir, { jobs: 2, set: ['vars.n=4'], targets: ['walk[k=1]'] });
    expect(moved.exitCode).toBe(0);
    expect(byStatus(moved.outcomes, 'ran')).toEqual(['walk.barrier[k=1]', 'walk.run[k=1,seed=3]', 'walk[k=1,seed=0]', 'walk[k=1,seed=1]', 'walk[k=1,seed=2]', 'walk[k=1,seed=3]', 'walk[k=1]']);
    expect(byStatus(moved.outcomes, 'up-to-date')).toEqual(['walk.run[k=1,seed=0]', 'walk.run[k=1,seed=1]', 'walk.run[k=1,seed=2]']);
    expect(JSON.parse(repo.read('artifacts/walk[k=1]/total.json')).traces[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('one shard skips the barrier; growing to two restores its run from the store', async () => {
    const repo = walkRepo();
    const one = await repro(repo.dir, { set: ['vars.n=1'], targets: ['walk[k=2]'] });
    expect(one.exitCode).toBe(0);
    expect(byStatus(one.outcomes, 'ran')).toEqual(['walk[k=2,seed=0]', 'walk[k=2]']);
    expect(JSON.parse(repo.read('artifacts/walk[k=2]/total.json'))).toEqual({ n: 1, stops: [2], traces: [[0, 2, 4]] });
    const two = await repro(repo.dir, { jobs: 2, set: ['vars.n=2'], targets: ['walk[k=2]'] });
    expect(two.exitCode).toBe(0);
    expect(byStatus(two.outcomes, 'restored')).toEqual(['walk.run[k=2,seed=0]']);
    expect(byStatus(two.outcomes, 'ran')).toEqual(['walk.barrier[k=2]', 'walk.run[k=2,seed=1]', 'walk[k=2,seed=0]', 'walk[k=2,seed=1]', 'walk[k=2]']);
  });

  test('without a barrier, shards go straight to the merge', async () => {
    const repo = makeRepo({
      'pipeline.yaml': pipeline('{ axis: seed, count: n }'),
      'stages/walk.ts': WALK.replace(/  async barrier[\s\S]*?\n  },\n  async finish[\s\S]*?\n  },\n/, ''),
      'stages/read.ts': READ,
    });
    const r = await repro(repo.dir, { jobs: 2, targets: ['walk[k=1]'] });
    expect(r.exitCode).toBe(0);
    expect(byStatus(r.outcomes, 'ran')).toEqual(['walk[k=1,seed=0]', 'walk[k=1,seed=1]', 'walk[k=1]']);
    expect(JSON.parse(repo.read('artifacts/walk[k=1]/total.json')).stops).toEqual([2, 5]);
  });
});

describe('a sharded stage declared wrongly', () => {
  const errorOf = async (repo: Repo) => {
    const r = await cli(repo, 'repro');
    expect(r.code).not.toBe(0);
    expect(r.err).not.toMatch(/\n\s+at /);
    return r.err;
  };

  test('a module without merge', async () => {
    const repo = makeRepo({ 'pipeline.yaml': pipeline('{ axis: seed, count: n, barrier: true }'), 'stages/walk.ts': WALK.replace('async merge(', 'async merged('), 'stages/read.ts': READ });
    const err = await errorOf(repo);
    expect(err).toContain("stages/walk.ts` does not fit the stage's `shard:`");
    expect(err).toContain('no merge(ctx) export');
  });

  test('barrier: true without finish, and barrier exports without barrier: true', async () => {
    const noFinish = makeRepo({ 'pipeline.yaml': pipeline('{ axis: seed, count: n, barrier: true }'), 'stages/walk.ts': WALK.replace('async finish(', 'async finished('), 'stages/read.ts': READ });
    expect(await errorOf(noFinish)).toContain('shard.barrier is true but the module exports no finish(ctx)');
    const undeclared = walkRepo('{ axis: seed, count: n }');
    expect(await errorOf(undeclared)).toContain("the module exports barrier and finish but the stage's shard: has no barrier: true");
  });

  test('a count that is not a positive integer, an axis the matrix uses, an unknown field', async () => {
    const zero = walkRepo();
    zero.write('pipeline.yaml', pipeline('{ axis: seed, count: n, barrier: true }').replace('vars: { n: 2 }', 'vars: { n: 0 }'));
    const e1 = await errorOf(zero);
    expect(e1).toContain('shard count of `walk[k=1]` is not a positive integer');
    expect(e1).toMatch(/pipeline\.yaml:\d+:\d+/);
    expect(await errorOf(walkRepo('{ axis: k, count: n, barrier: true }'))).toContain('shard axis `k` of stage `walk` is also a matrix axis');
    expect(await errorOf(walkRepo('{ axis: seed, count: nn, barrier: true }'))).toContain('no such param');
    expect(await errorOf(walkRepo('{ axis: seed, count: n, barier: true }'))).toContain('unknown field `barier`');
  });
});
