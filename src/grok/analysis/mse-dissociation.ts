/**
 * Experiment 5, the MSE dissociation: experiment 3 under MSE (t_int 50, w_c from the MSE free control).
 * The expected picture (SPEC 5.5): L stays pinned near one and barely moves with tau (a small swing), and
 * the norm effect T1/T0 is about half of CE's. The comparison with CE is made on the log scale too,
 * because "half the effect" of a multiplicative slowdown is ambiguous: ln(T1/T0)_MSE / ln(T1/T0)_CE.
 */
import { log } from '../math.ts';
import { analyzeTemperatureMediation, type TemperatureMediationInput, type TemperatureMediationResult } from './temperature-mediation.ts';
import { cellLoss, describeCell } from './cells.ts';

export interface MseDissociationResult {
  analysis: 'mse-dissociation';
  p: number;
  mse: TemperatureMediationResult;
  /** L of the MSE baseline at grokking ("MSE logit scale at grok"). */
  logitScaleAtGrok: number | null;
  /** The MSE logit-scale swing over the tau sweep (max L / min L). */
  logitScaleSwing: number | null;
  /** Against the CE mediation of the same modulus, when given. */
  comparedWithCe: {
    ceNormUpRatio: number | null;
    mseNormUpRatio: number | null;
    /** (T1/T0)_MSE / (T1/T0)_CE. */
    ratioOfRatios: number | null;
    /** ln(T1/T0)_MSE / ln(T1/T0)_CE: the share of CE's log-slowdown that MSE shows. */
    logEffectShare: number | null;
    ceLogitScaleSwing: number | null;
  } | null;
}

export function analyzeMseDissociation(input: TemperatureMediationInput, ce?: TemperatureMediationResult): MseDissociationResult {
  const where = 'analyzeMseDissociation';
  if (cellLoss(input.baseline) !== 'mse') {
    throw new Error(`${where}: expected MSE cells, found ${describeCell(input.baseline)}; use analyzeTemperatureMediation for CE`);
  }
  const mse = analyzeTemperatureMediation(input);
  if (ce !== undefined && (ce.loss !== 'ce' || ce.p !== mse.p || ce.model !== mse.model)) {
    throw new Error(`${where}: expected the CE mediation of ${mse.model} p=${mse.p} to compare with, found ${ce.model}/${ce.loss} p=${ce.p}`);
  }
  let comparedWithCe: MseDissociationResult['comparedWithCe'] = null;
  if (ce !== undefined) {
    const a = mse.normUpRatio;
    const b = ce.normUpRatio;
    comparedWithCe = {
      ceNormUpRatio: b,
      mseNormUpRatio: a,
      ratioOfRatios: a === null || b === null ? null : a / b,
      logEffectShare: a === null || b === null || b === 1 ? null : log(a) / log(b),
      ceLogitScaleSwing: ce.logitScaleSwing === null ? null : ce.logitScaleSwing.ratio,
    };
  }
  return {
    analysis: 'mse-dissociation',
    p: mse.p,
    mse,
    logitScaleAtGrok: mse.l0,
    logitScaleSwing: mse.logitScaleSwing === null ? null : mse.logitScaleSwing.ratio,
    comparedWithCe,
  };
}
