/**
 * The paper's free (unclamped) cross-entropy control at its own size: the MLP at p = 59, 40% split,
 * tau = 1, float32, 4 seeds, trained until every seed groks (or the budget). Prints per-seed and median
 * T_mem, T_grok, the norm at grokking (the median is w_c) and the effective logit scale L at grokking.
 *
 *   npx tsx bench/free_p59.ts [--p 59] [--seeds 0,1,2,3] [--budget 40000] [--precision f32] [--engine ts]
 *                             [--loss ce] [--out result.json]
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { canonicalJson } from '../src/core/canonical-json.ts';
import { median } from '../src/grok/stats/median.ts';
import { runCell } from '../src/grok/train/cell.ts';
import type { EngineName } from '../src/grok/train/engines.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      p: { type: 'string', default: '59' },
      seeds: { type: 'string', default: '0,1,2,3' },
      budget: { type: 'string', default: '40000' },
      precision: { type: 'string', default: 'f32' },
      engine: { type: 'string', default: 'ts' },
      loss: { type: 'string', default: 'ce' },
      out: { type: 'string' },
    },
  });
  const p = Number(values.p);
  const seeds = values.seeds!.split(',').map(Number);
  const budget = Number(values.budget);
  const precision = values.precision as 'f32' | 'f64';
  const loss = values.loss as 'ce' | 'mse';
  console.log(`free ${loss} control: MLP p = ${p}, seeds [${seeds.join(', ')}], ${precision}, engine ${values.engine}, budget ${budget}`);
  const t0 = performance.now();
  let lastPrint = t0;
  const { result } = await runCell(
    { model: 'mlp', p, trainFraction: 0.4, seeds, loss, tau: 1, precision, engine: values.engine as EngineName, budget },
    {
      progress(done, total) {
        const now = performance.now();
        if (now - lastPrint > 30000) {
          lastPrint = now;
          console.log(`  step ${done} / ${total}, ${((now - t0) / 1000).toFixed(0)} s`);
        }
      },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log('seed  T_mem   T_grok  delay   ||W|| at grok  L at grok');
  result.seeds.forEach((s, i) => {
    const k = s.tGrok === null ? -1 : nearest(result.logSteps, s.tGrok);
    const L = k < 0 ? null : result.log[i].L[k];
    console.log(
      `${String(s.seed).padEnd(6)}${fmt(s.tMem).padEnd(8)}${fmt(s.tGrok).padEnd(8)}${fmt(s.delay).padEnd(8)}` +
        `${fmt(s.normAtGrok, 2).padEnd(15)}${fmt(L, 2)}`,
    );
  });
  const norms = result.seeds.map((s) => s.normAtGrok).filter((x): x is number => x !== null);
  console.log(`median T_mem ${fmt(result.medianTMem)}, median T_grok ${fmt(result.medianTGrok)}, grokked ${result.grokkedCount}/${seeds.length}`);
  console.log(`w_c (median ||W|| at grokking) ${norms.length ? median(norms).toFixed(3) : 'n/a'}`);
  console.log(`L at the logged step nearest the median T_grok ${fmt(result.logitScaleAtGrok, 3)}`);
  console.log(`wall time ${seconds.toFixed(1)} s for ${result.finalStep} steps x ${seeds.length} seeds (${((result.finalStep * seeds.length) / seconds).toFixed(1)} seed-steps/s, shared CPU)`);
  if (values.out) await writeFile(values.out, canonicalJson(result, { nonFinite: 'null' }));
}

function nearest(steps: readonly number[], step: number): number {
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i] - step) < Math.abs(steps[best] - step)) best = i;
  return best;
}

function fmt(x: number | null, digits = 0): string {
  return x === null ? '-' : x.toFixed(digits);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
