/**
 * The transformer's cross-checks (SPEC 7.3): the norm series at tau 1 read against the companion's
 * released runs (does a cell grok within the 30k horizon?), the sweep held at a published absolute norm
 * with its ratio, and the exponential delay law fitted over them.
 */
import { describe, expect, it } from 'vitest';
import { analyzeTransformerControl } from '../../src/grok/analysis/transformer.ts';
import { heldNormOf } from '../../src/grok/train/held-norm.ts';
import { makeCell } from './analysis-fixtures.ts';

const WC = 37;
const ALPHA = 0.4;
/** T_grok at tau 1 follows an exact exponential law in the held norm; temperature divides it by tau^2. */
const law = (norm: number, tau = 1) => Math.round(6000 * Math.exp(ALPHA * (norm - WC)) * tau ** -2);

const tcell = (norm: number, tau: number, budget = 60000, grok = true) =>
  makeCell({
    model: 'transformer',
    rho: norm / WC,
    tau,
    budget,
    clampTargets: [norm, norm],
    seeds: grok ? [{ tGrok: law(norm, tau) }, { tGrok: law(norm, tau) }] : [{ tGrok: null }, { tGrok: null }],
    L: 100 / tau,
  });
const free = makeCell({ model: 'transformer', budget: 20000, seeds: [{ tGrok: 4000, normAtGrok: WC }, { tGrok: 4100, normAtGrok: WC }] });

describe('the transformer cross-checks', () => {
  const baseline = tcell(WC, 1);
  const lowered = tcell(0.85 * WC, 1);
  const raised = tcell(1.15 * WC, 1, 30000, false);

  it('reads the norm series by held norm, and says whether each cell groks within the horizon', () => {
    const r = analyzeTransformerControl({ free, baseline, sweep: [], normCells: [lowered, baseline, raised], horizon: 30000 });
    expect(r.normSeries.map((c) => c.heldNorm)).toEqual([0.85 * WC, WC, 1.15 * WC]);
    expect(r.lowered?.summary.medianTGrok).toBe(law(0.85 * WC));
    expect(r.lowered?.groksWithinHorizon).toBe(true);
    expect(r.raised?.groksWithinHorizon).toBe(false);
    expect(r.raised?.grokkedWithinHorizon).toBe(0);
    // a cell stopped before the horizon without grokking decides nothing
    const short = analyzeTransformerControl({ free, baseline, sweep: [], normCells: [tcell(1.15 * WC, 1, 20000, false)], horizon: 30000 });
    expect(short.raised?.groksWithinHorizon).toBeNull();
    // a seed that groks after the horizon does not count within it
    const late = analyzeTransformerControl({ free, baseline, sweep: [], normCells: [tcell(1.15 * WC, 1)], horizon: 5000 });
    expect(late.raised?.summary.medianTGrok).toBeGreaterThan(5000);
    expect(late.raised?.groksWithinHorizon).toBe(false);
  });

  it('fits the delay law over the grokked tau 1 cells and recovers its slope', () => {
    const held = [1, 1.7].map((tau) => tcell(37.37, tau));
    const r = analyzeTransformerControl({ free, baseline, sweep: [], normCells: [lowered, baseline, raised], held, horizon: 30000 });
    // three grokked points on the law (rho 0.85, rho 1 and the held norm at tau 1); rounding to steps only
    expect(r.delayLaw?.n).toBe(3);
    expect(r.delayLaw?.alpha).toBeCloseTo(ALPHA, 3);
    expect(r.raisedOverHeldFactor).toBeCloseTo(Math.exp(r.delayLaw!.alpha * (1.15 * WC - 37.37)), 12);
  });

  it('reads the paper’s ratio on the sweep held at the published norm', () => {
    const held = [1.7, 1, 1.3].map((tau) => tcell(37.37, tau));
    const r = analyzeTransformerControl({ free, baseline, sweep: [], held, tauHi: 1.7 });
    expect(r.held?.heldNorm).toBe(37.37);
    expect(r.held?.rho).toBeCloseTo(37.37 / WC, 12);
    expect(r.held?.cells.map((c) => c.tau)).toEqual([1, 1.3, 1.7]);
    expect(r.held?.ratioTau1OverTauHi).toBeCloseTo(law(37.37, 1) / law(37.37, 1.7), 12);
    expect(analyzeTransformerControl({ free, baseline, sweep: [] }).held).toBeNull();
  });

  it('refuses held cells at two norms or two cells at one temperature', () => {
    expect(() => analyzeTransformerControl({ free, baseline, sweep: [], held: [tcell(37.37, 1), tcell(38, 1.7)] })).toThrow(/at the norm 37.37/);
    expect(() => analyzeTransformerControl({ free, baseline, sweep: [], held: [tcell(37.37, 1), tcell(37.37, 1)] })).toThrow(/two held cells at tau 1/);
  });
});

describe('heldNormOf', () => {
  it('holds rho x the measured w_c, or a published absolute norm recorded as the rho it amounts to', () => {
    expect(heldNormOf({ rho: 1.15 }, 40)).toEqual({ norm: 1.15 * 40, rho: 1.15, source: 'rho x measured w_c' });
    expect(heldNormOf({ heldNorm: 37.37 }, 37.06)).toEqual({ norm: 37.37, rho: 37.37 / 37.06, source: 'published absolute norm' });
    expect(() => heldNormOf({}, 40)).toThrow(/expected rho .* or heldNorm/);
    expect(() => heldNormOf({ rho: 1 }, 0)).toThrow(/positive measured w_c/);
  });
});
