/**
 * How long training takes, for `grokpipe plan` before anything is measured: steps x seeds / the measured
 * seed-steps per second of that model, modulus and precision. Once an instance has run, its recorded
 * duration replaces this estimate. The rates below are measurements; each says where it was taken.
 */

export interface Rate {
  model: 'mlp' | 'transformer';
  p: number;
  precision: 'f32' | 'f64';
  /** Seed-steps per second on one core with the wasm kernels (one training step of one seed). */
  seedStepsPerSecond: number;
  measured: string;
}

export const SEED_STEP_RATES: readonly Rate[] = [
  { model: 'mlp', p: 59, precision: 'f32', seedStepsPerSecond: 197.3, measured: 'npm run bench (wasm, best round, idle machine), README "Benchmarks"' },
  { model: 'mlp', p: 59, precision: 'f64', seedStepsPerSecond: 89.9, measured: 'npm run bench (wasm, best round, idle machine), README "Benchmarks"' },
  { model: 'mlp', p: 97, precision: 'f32', seedStepsPerSecond: 55.0, measured: 'npm run bench (wasm, best round, idle machine), README "Benchmarks"' },
  { model: 'mlp', p: 97, precision: 'f64', seedStepsPerSecond: 26.5, measured: 'npm run bench (wasm, best round, idle machine), README "Benchmarks"' },
  { model: 'transformer', p: 59, precision: 'f32', seedStepsPerSecond: 31, measured: 'issue 11 ("~31 seed-steps/s", the training speed measured on this 2-core machine when it was filed)' },
];

/**
 * Between two measured moduli the rate is interpolated as a power of p (the MLP's cost grows as p^2.6
 * from 59 to 97: p^2 training pairs times a p-wide output layer, less what the factorized first layer
 * saves); beyond them it is extrapolated with the same power. With one measured modulus (the
 * transformer) the power is 2: its training set has 0.4 p^2 sequences of fixed length.
 */
export function seedStepsPerSecond(model: Rate['model'], p: number, precision: Rate['precision']): { rate: number; basis: string } {
  const known = SEED_STEP_RATES.filter((r) => r.model === model && r.precision === precision).sort((a, b) => a.p - b.p);
  // No float64 measurement for a model: float32's rate at the MLP's measured f64/f32 ratio.
  if (!known.length) {
    const f32 = seedStepsPerSecond(model, p, 'f32');
    return { rate: f32.rate * (89.9 / 197.3), basis: `${f32.basis} x 0.46 (the MLP's f64/f32 ratio)` };
  }
  const exact = known.find((r) => r.p === p);
  if (exact) return { rate: exact.seedStepsPerSecond, basis: `${exact.seedStepsPerSecond} seed-steps/s measured (${model} p=${p} ${precision})` };
  if (known.length === 1) {
    const r = known[0]!;
    return { rate: r.seedStepsPerSecond * (r.p / p) ** 2, basis: `${r.seedStepsPerSecond} seed-steps/s measured at p=${r.p}, scaled by (p/${r.p})^-2 (${model} ${precision})` };
  }
  const [a, b] = p < known[known.length - 1]!.p ? [known[0]!, known[1]!] : [known[known.length - 2]!, known[known.length - 1]!];
  const power = Math.log(a.seedStepsPerSecond / b.seedStepsPerSecond) / Math.log(b.p / a.p);
  const rate = a.seedStepsPerSecond * (a.p / p) ** power;
  return { rate, basis: `${rate.toFixed(1)} seed-steps/s, p^-${power.toFixed(2)} through the rates measured at p=${a.p} and p=${b.p} (${model} ${precision})` };
}

/**
 * Where a cell is expected to stop: its slowest seed's T_grok, taken as TAIL x the published median
 * T_grok of that cell (the paper's tables, SPEC 7.2: medians over 12 seeds), never beyond the budget.
 * TAIL is an assumption, not a measurement: the slowest of 12 seeds at about twice the median.
 * Cells the tables do not list (dose, grid, audit, fork arms) are estimated at their budget.
 */
export const TAIL = 2;

interface PublishedCell {
  model: 'mlp' | 'transformer';
  loss: 'ce' | 'mse';
  p: number;
  /** null: the free control. */
  rho: number | null;
  tau: number;
  medianTGrok: number;
}

const cells = (model: PublishedCell['model'], loss: PublishedCell['loss'], p: number, rows: Array<[number | null, number, number]>): PublishedCell[] =>
  rows.map(([rho, tau, medianTGrok]) => ({ model, loss, p, rho, tau, medianTGrok }));

export const PUBLISHED_T_GROK: readonly PublishedCell[] = [
  // SPEC 7.2, CE temperature sweep (free control, baseline, rho 1.15 x tau).
  ...cells('mlp', 'ce', 59, [[null, 1, 5025], [1, 1, 3675], [1.15, 1, 12600], [1.15, 1.15, 9100], [1.15, 1.3, 6825], [1.15, 1.5, 4700], [1.15, 1.7, 3450]]),
  ...cells('mlp', 'ce', 97, [[null, 1, 2750], [1, 1, 1775], [1.15, 1, 6050], [1.15, 1.15, 4200], [1.15, 1.3, 3050], [1.15, 1.5, 2188], [1.15, 1.7, 1762]]),
  // SPEC 7.2, MSE temperature sweep (no free-control T_grok published: the baseline's stands in).
  ...cells('mlp', 'mse', 59, [[null, 1, 1175], [1, 1, 1175], [1.15, 1, 2225], [1.15, 1.15, 2088], [1.15, 1.3, 1900], [1.15, 1.5, 1700], [1.15, 1.7, 1550]]),
  ...cells('mlp', 'mse', 97, [[null, 1, 850], [1, 1, 850], [1.15, 1, 1412], [1.15, 1.15, 1312], [1.15, 1.3, 1225], [1.15, 1.5, 1150], [1.15, 1.7, 1088]]),
  // SPEC 7.2, the transformer (the paper's Table 8).
  ...cells('transformer', 'ce', 59, [[null, 1, 7325], [1, 1, 1238], [1.15, 1, 16112], [1.15, 1.15, 9525], [1.15, 1.3, 6525], [1.15, 1.5, 4712], [1.15, 1.7, 3462]]),
];

/** The expected stopping step of a cell, and why; the budget where the tables have nothing. */
export function expectedSteps(cell: { model?: 'mlp' | 'transformer'; loss?: 'ce' | 'mse'; p: number; rho?: number; tau?: number; budget: number }): { steps: number; basis: string } {
  const hit = PUBLISHED_T_GROK.find(
    (c) => c.model === (cell.model ?? 'mlp') && c.loss === (cell.loss ?? 'ce') && c.p === cell.p && c.rho === (cell.rho ?? null) && Math.abs(c.tau - (cell.tau ?? 1)) < 1e-9,
  );
  if (!hit) return { steps: cell.budget, basis: 'the budget' };
  const steps = Math.min(cell.budget, TAIL * hit.medianTGrok);
  return { steps, basis: steps === cell.budget ? 'the budget' : `${TAIL} x the published median T_grok ${hit.medianTGrok}` };
}

export interface TrainingWork {
  model?: 'mlp' | 'transformer';
  p: number;
  precision?: 'f32' | 'f64';
  /** Seeds trained by this instance. */
  seeds: number;
  /** Steps each seed trains. */
  steps: number;
  /** Where `steps` comes from, for the plan's output. */
  stepsBasis?: string;
}

/** Seconds of one core for `steps` x `seeds` of training. */
export function trainingSeconds(w: TrainingWork): { seconds: number; basis: string } {
  const { rate, basis } = seedStepsPerSecond(w.model ?? 'mlp', w.p, w.precision ?? 'f32');
  const steps = `${w.steps} steps${w.stepsBasis ? ` (${w.stepsBasis})` : ''}`;
  return { seconds: (w.steps * w.seeds) / rate, basis: `${steps} x ${w.seeds} seed${w.seeds === 1 ? '' : 's'} / ${basis}` };
}
