/**
 * The exponential (log-linear) law T = exp(c + alpha x), fitted as the straight line ln T = c + alpha x
 * by least squares on ln T. Used for the dose response: ln T_grok against the absolute held norm.
 * ln and exp come from ../math.ts (same bits on every platform), not Math.log/Math.exp.
 * R^2 is that of the straight-line fit on the log scale.
 */
import { exp, log } from '../math.ts';
import { simpleLinearRegression } from './ols.ts';

export interface LogLinearFit {
  n: number;
  /** Intercept of ln T. */
  c: number;
  /** Slope of ln T per unit of x. */
  alpha: number;
  /** Standard error of alpha; null with two points. */
  alphaStandardError: number | null;
  /** exp(alpha): the factor by which T grows per unit of x. */
  factorPerUnit: number;
  rSquared: number | null;
  /** Residuals of ln T, in input order. */
  residuals: number[];
}

export function fitLogLinear(x: readonly number[], t: readonly number[]): LogLinearFit {
  if (x.length !== t.length) {
    throw new Error(`fitLogLinear: x has ${x.length} values and T has ${t.length}; expected equal lengths`);
  }
  const lnT = t.map((v, i) => {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new Error(`fitLogLinear: T[${i}] = ${v}, expected a positive finite number (ln T must exist); drop cells that did not grok`);
    }
    return log(v);
  });
  const fit = simpleLinearRegression(x, lnT);
  return {
    n: fit.n,
    c: fit.intercept,
    alpha: fit.slope,
    alphaStandardError: fit.slopeStandardError,
    factorPerUnit: exp(fit.slope),
    rSquared: fit.rSquared,
    residuals: fit.residuals,
  };
}
