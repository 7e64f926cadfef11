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

const BENCH = 'npm run bench (build/kernels-fma.wasm, the kernels the study runs; best of 3 rounds, idle machine, 2-core AMD EPYC), README "Benchmarks"';

export const SEED_STEP_RATES: readonly Rate[] = [
  { model: 'mlp', p: 59, precision: 'f32', seedStepsPerSecond: 271.7, measured: BENCH },
  { model: 'mlp', p: 59, precision: 'f64', seedStepsPerSecond: 129.0, measured: BENCH },
  { model: 'mlp', p: 97, precision: 'f32', seedStepsPerSecond: 75.5, measured: BENCH },
  { model: 'mlp', p: 97, precision: 'f64', seedStepsPerSecond: 35.6, measured: BENCH },
  { model: 'transformer', p: 59, precision: 'f32', seedStepsPerSecond: 79.1, measured: BENCH },
  { model: 'transformer', p: 59, precision: 'f64', seedStepsPerSecond: 37.5, measured: BENCH },
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
    const ratio = seedStepsPerSecond('mlp', 59, 'f64').rate / seedStepsPerSecond('mlp', 59, 'f32').rate;
    return { rate: f32.rate * ratio, basis: `${f32.basis} x ${ratio.toFixed(2)} (the MLP's f64/f32 ratio at p=59)` };
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
 * Where a cell is expected to stop: at its slowest seed's T_grok (the stopping rule waits for every seed),
 * taken as tail(seeds) x the median T_grok, never beyond the budget. The medians are the paper's
 * (SPEC 7.2, medians over 12 seeds); cells the tables do not list follow the paper's own laws:
 *   - the dose law (SPEC 5.2, Table 1): ln T = c + alpha ||W||, so at a held norm rho w_c a CE cell of
 *     the MLP takes T_baseline x exp(alpha (rho - 1) w_c), with alpha per modulus as published;
 *   - a temperature tau > 1 shortens it as the published tau sweep at rho 1.15 does (nearest modulus);
 *   - moduli other than 59 and 97 take T_baseline, T_free and w_c interpolated as powers of p;
 *   - the same-state arms stop at the fork (800) plus their published median delay.
 * tail(n) is an assumption, not a measurement: seeds' ln T_grok spread with a standard deviation of 0.4,
 * so the slowest of n seeds sits exp(0.4 E[max of n standard normals]) above the median (1.25 for 2
 * seeds, 1.92 for 12). Where nothing applies (the float64 audit at rho 1.25, which the paper reports
 * as not grokked by 60k) the estimate is the budget.
 */
const LOG_SD = 0.4;

/** E[max of n standard normal draws] (Blom's approximation): 0 for 1, 0.56 for 2, 1.63 for 12. */
function expectedMaxNormal(n: number): number {
  if (n <= 1) return 0;
  const q = (n - 0.375) / (n + 0.25);
  // Inverse normal CDF (Acklam's rational approximation, central and upper regions suffice here).
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (q > 0.97575) {
    const t = Math.sqrt(-2 * Math.log(1 - q));
    return -(((((c[0]! * t + c[1]!) * t + c[2]!) * t + c[3]!) * t + c[4]!) * t + c[5]!) / ((((d[0]! * t + d[1]!) * t + d[2]!) * t + d[3]!) * t + 1);
  }
  const r = q - 0.5;
  const r2 = r * r;
  return ((((((a[0]! * r2 + a[1]!) * r2 + a[2]!) * r2 + a[3]!) * r2 + a[4]!) * r2 + a[5]!) * r) / (((((b[0]! * r2 + b[1]!) * r2 + b[2]!) * r2 + b[3]!) * r2 + b[4]!) * r2 + 1);
}

export function tail(seeds: number): number {
  return Math.exp(LOG_SD * expectedMaxNormal(seeds));
}

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
  // SPEC 7.3, the companion paper's released transformer runs (medians over 16 seeds): rho 0.85.
  ...cells('transformer', 'ce', 59, [[0.85, 1, 718]]),
];

/** SPEC 7.2 (Table 1): the dose law's slope per unit of held norm, per modulus. */
export const DOSE_ALPHA: Readonly<Record<number, number>> = { 43: 0.173, 59: 0.14, 67: 0.126, 97: 0.094, 113: 0.087 };
/** SPEC 7.2: the CE free control's w_c at the two moduli the paper tabulates. */
const CE_WC: Readonly<Record<number, number>> = { 59: 54.49, 97: 65.85 };
/** SPEC 7.2, same-state forks: median delay after the fork (t = 800) per arm, p = 59 | p = 97. */
export const FORK_ARM_DELAY: Readonly<Record<string, Record<number, number>>> = {
  lowered: { 59: 1525, 97: 1338 },
  free: { 59: 4225, 97: 1950 },
  same: { 59: 7200, 97: 6600 },
  raised: { 59: 24162, 97: 21600 },
};
const FORK_STEP = 800;

/** y at p from its values at 59 and 97, as a power of p (inter- and extrapolated). */
function powerInP(p: number, at: Readonly<Record<number, number>>): number {
  const [y59, y97] = [at[59]!, at[97]!];
  if (p === 59) return y59;
  if (p === 97) return y97;
  const power = Math.log(y97 / y59) / Math.log(97 / 59);
  return y59 * (p / 59) ** power;
}

function published(model: string, loss: string, p: number, rho: number | null, tau: number): number | undefined {
  return PUBLISHED_T_GROK.find((c) => c.model === model && c.loss === loss && c.p === p && c.rho === rho && Math.abs(c.tau - tau) < 1e-9)?.medianTGrok;
}

export interface CellShape {
  model?: 'mlp' | 'transformer';
  loss?: 'ce' | 'mse';
  precision?: 'f32' | 'f64';
  p: number;
  /** Absent: the free control. */
  rho?: number;
  tau?: number;
  /** An absolute held norm instead of rho (read as rho = heldNorm / the paper's w_c for that model). */
  heldNorm?: number;
  /** A same-state fork arm. */
  arm?: string;
  seeds: number;
  budget: number;
}

/** The paper's w_c (SPEC 7.2): the transformer's 32.49, the MLP's per loss and modulus (as a power of p between). */
function paperWc(model: string, loss: string, p: number): number {
  if (model === 'transformer') return 32.49;
  return loss === 'mse' ? powerInP(p, { 59: 36.5, 97: 36.61 }) : powerInP(p, CE_WC);
}

/** The dose law for the MLP under CE at tau 1: the baseline's T_grok x exp(alpha (rho - 1) w_c). */
export function doseLaw(p: number, rho: number): { steps: number; alpha: number; wc: number } {
  const alpha = DOSE_ALPHA[p] ?? powerInP(p, DOSE_ALPHA);
  const wc = powerInP(p, CE_WC);
  return { steps: powerInP(p, { 59: 3675, 97: 1775 }) * Math.exp(alpha * (rho - 1) * wc), alpha, wc };
}

/** The median T_grok the cell is expected to have, and the rule that gave it; null when none applies. */
export function medianTGrok(c: CellShape): { steps: number; basis: string } | null {
  const model = c.model ?? 'mlp';
  const loss = c.loss ?? 'ce';
  const tau = c.tau ?? 1;
  const rho = c.heldNorm !== undefined ? Math.round((100 * c.heldNorm) / paperWc(model, loss, c.p)) / 100 : (c.rho ?? null);
  if (c.arm !== undefined) {
    const delay = FORK_ARM_DELAY[c.arm];
    return delay ? { steps: FORK_STEP + powerInP(c.p, delay), basis: `the fork (${FORK_STEP}) + the published median delay of arm ${c.arm}` } : null;
  }
  const hit = published(model, loss, c.p, rho, tau);
  if (hit !== undefined) return { steps: hit, basis: `the published median T_grok ${hit}` };
  if (model !== 'mlp' || loss !== 'ce') return null;
  if (rho === null) return { steps: powerInP(c.p, { 59: 5025, 97: 2750 }), basis: 'the free controls\' published T_grok, interpolated in p' };
  if (c.precision === 'f64' && rho >= 1.25) return null;
  const { steps: atTau1, alpha, wc } = doseLaw(c.p, rho);
  const nearest = Math.abs(c.p - 59) <= Math.abs(c.p - 97) ? 59 : 97;
  const tauFactor = tau === 1 ? 1 : (published('mlp', 'ce', nearest, 1.15, tau) ?? published('mlp', 'ce', nearest, 1.15, 1)!) / published('mlp', 'ce', nearest, 1.15, 1)!;
  const steps = atTau1 * tauFactor;
  return { steps, basis: `the dose law (alpha ${alpha.toFixed(3)}, w_c ${wc.toFixed(1)}${tau === 1 ? '' : `, tau ${tau} as at p=${nearest}`})` };
}

/** Steps the cell's seeds train: tail(seeds) x the median T_grok, at most the budget. */
export function expectedSteps(c: CellShape): { steps: number; basis: string } {
  const m = medianTGrok(c);
  if (!m) return { steps: c.budget, basis: 'the budget' };
  const t = tail(c.seeds);
  const steps = Math.round(Math.min(c.budget, t * m.steps));
  return { steps, basis: steps === c.budget ? `the budget; ${m.basis}` : `${t.toFixed(2)} x ${m.basis}` };
}

/**
 * One seed of a sharded cell (seeds as instances): the run phase trains it to its own T_grok, on average
 * exp(LOG_SD^2 / 2) x the median; the finish continues it to the cell's stop (the slowest seed's), so the
 * two together come to the unsharded cell's steps for one seed.
 */
export function seedShardSteps(c: CellShape, phase: 'run' | 'finish'): { steps: number; basis: string } {
  const whole = expectedSteps(c);
  const m = medianTGrok(c);
  const own = m ? Math.min(whole.steps, Math.round(Math.exp((LOG_SD * LOG_SD) / 2) * m.steps)) : whole.steps;
  if (phase === 'run') return { steps: own, basis: m ? `one seed's mean T_grok, ${Math.exp((LOG_SD * LOG_SD) / 2).toFixed(2)} x ${m.basis}` : whole.basis };
  return { steps: whole.steps - own, basis: `continued to the cell's stop (${whole.steps}) from its own T_grok (${own})` };
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
