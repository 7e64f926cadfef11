/**
 * Parallelism is real: two independent stages that each burn one core for a fixed amount of work
 * finish, with -j 2, in about the time of one. Measured as overlap, so that a machine shared with
 * other work slows the stages without failing the test: the time both ran at once, a + b - wall, as a
 * share of the shorter stage (at most 0 when serial, 1 when the shorter ran wholly beside the longer).
 * A share of the sum would not do: on a loaded machine one stage can take twice the other (seen in CI:
 * 4078 ms and 1800 ms), and then even perfect overlap gives wall/(a+b) = 0.69.
 */
import { afterAll, expect, test } from 'vitest';
import { repro } from '../../src/engine/verbs/repro.ts';
import { bufferIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { jsonStage, makeRepo, removeRepos } from './helpers.ts';

const BURN = `import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export default {
  params: { type: 'object', properties: { n: { type: 'integer' }, salt: { type: 'integer' } } },
  async run(ctx: any) {
    // A fixed amount of arithmetic (about 2-3 s of one core here), not a fixed time.
    let x = ctx.params.salt >>> 0;
    for (let i = 0; i < ctx.params.n; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) >>> 0;
    await writeFile(join(ctx.outDir, 'x.json'), JSON.stringify({ x }));
  },
};
`;

afterAll(removeRepos);

test('two independent CPU-bound stages overlap with -j 2', async () => {
  const n = 450_000_000;
  const repo = makeRepo({
    'pipeline.yaml': `version: 1\nstages:\n  a:\n    uses: stages/burn.ts\n    params: { n: ${n}, salt: 1 }\n  b:\n    uses: stages/burn.ts\n    params: { n: ${n}, salt: 2 }\n`,
    'stages/burn.ts': BURN,
  });
  const t0 = performance.now();
  const r = await repro(repo.dir, { jobs: 2 });
  const wall = performance.now() - t0;
  expect(r.exitCode).toBe(0);
  const a = r.outcomes.get('a')!.ms!;
  const b = r.outcomes.get('b')!.ms!;
  expect(Math.min(a, b)).toBeGreaterThan(1000);
  const overlap = (a + b - wall) / Math.min(a, b);
  console.log(`parallel: stage a ${Math.round(a)} ms, stage b ${Math.round(b)} ms, wall ${Math.round(wall)} ms, overlap ${overlap.toFixed(2)} of the shorter`);
  // Serial execution gives at most 0 (the engine's own time between the stages makes it negative).
  expect(overlap).toBeGreaterThan(0.5);
});

test('a free slot goes to the instance declared first, not to the one ready first', async () => {
  // `long` is declared second but can start only after `gate`; the three `short` instances are ready at
  // once. With one slot, a first-come pool would run them all before `long`.
  const repo = makeRepo({
    'pipeline.yaml': `version: 1
stages:
  gate:
    uses: stages/json.ts
  long:
    uses: stages/json.ts
    deps: { g: gate }
  short:
    uses: stages/json.ts
    matrix: { i: [1, 2, 3] }
    params: { i: "\${matrix.i}" }
`,
    'stages/json.ts': jsonStage(),
  });
  const io = bufferIo(repo.dir);
  expect(await runCli(['repro', '-j', '1'], io)).toBe(0);
  const order = [...io.stderr().matchAll(/^✓ ran\s+(\S+) in /gm)].map((m) => m[1]);
  expect(order).toEqual(['gate', 'long', 'short[i=1]', 'short[i=2]', 'short[i=3]']);
});
