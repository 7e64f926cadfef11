/**
 * Ordinary least squares with an intercept: y = b0 + b1 x1 + ... + bk xk + e.
 *
 * Method: centre every regressor and the response on their means (which removes the intercept from the
 * problem and the large common offsets that ruin conditioning, e.g. a held norm near 60 with a spread of
 * 15), then solve the centred problem by Householder QR. The normal equations are never formed, so the
 * condition number is not squared. Every loop runs in a fixed order: the same input gives the same bits.
 */

export interface OlsFit {
  /** Number of observations. */
  n: number;
  /** Regressor names, in the order of `slopes` (e.g. ["L", "rho"]). */
  regressors: string[];
  intercept: number;
  /** One slope per regressor, aligned with `regressors`. */
  slopes: number[];
  /** Standard errors of [intercept, ...slopes], or null when n = k + 1 (no residual degrees of freedom). */
  standardErrors: number[] | null;
  /** 1 - SSR/SST; null when y is constant (SST = 0), where R^2 is undefined. */
  rSquared: number | null;
  /** 1 - (1 - R^2)(n - 1)/(n - k - 1); null when R^2 is null or there are no residual degrees of freedom. */
  adjustedRSquared: number | null;
  fitted: number[];
  /** y - fitted, in input order. */
  residuals: number[];
  residualSumOfSquares: number;
  totalSumOfSquares: number;
  /** sqrt(SSR / (n - k - 1)); null when n = k + 1. */
  residualStandardError: number | null;
}

export interface SimpleFit {
  n: number;
  intercept: number;
  slope: number;
  rSquared: number | null;
  residuals: number[];
  fitted: number[];
  /** Standard errors of the intercept and the slope; null when n = 2. */
  interceptStandardError: number | null;
  slopeStandardError: number | null;
}

/**
 * Multiple regression of y on the given regressor columns (each a list of n values), with an intercept.
 * `names` label the regressors in the result and in error messages.
 */
export function ordinaryLeastSquares(
  columns: ReadonlyArray<readonly number[]>,
  y: readonly number[],
  names: readonly string[] = columns.map((_, j) => `x${j + 1}`),
): OlsFit {
  const n = y.length;
  const k = columns.length;
  if (names.length !== k) {
    throw new Error(`ordinaryLeastSquares: expected one name per regressor (${k}), found ${names.length} names`);
  }
  if (n < k + 1) {
    throw new Error(
      `ordinaryLeastSquares: expected at least ${k + 1} observations for an intercept and ${k} regressor(s), ` +
        `found ${n}; add observations or drop regressors`,
    );
  }
  for (let j = 0; j < k; j++) {
    if (columns[j].length !== n) {
      throw new Error(
        `ordinaryLeastSquares: regressor "${names[j]}" has ${columns[j].length} values, expected ${n} (the length of y)`,
      );
    }
  }
  checkFinite(y, 'y');
  for (let j = 0; j < k; j++) checkFinite(columns[j], names[j]);

  const yMean = sumOf(y) / n;
  const xMean = columns.map((c) => sumOf(c) / n);
  // a[j] is the centred column j; it is overwritten by the Householder reflections.
  const a: Float64Array[] = columns.map((c, j) => Float64Array.from(c, (v) => v - xMean[j]));
  const yc = Float64Array.from(y, (v) => v - yMean);
  const columnNorms = a.map((c) => Math.sqrt(sumOfSquares(c, 0)));
  const rDiag = new Float64Array(k);

  for (let j = 0; j < k; j++) {
    const col = a[j];
    if (columnNorms[j] === 0) {
      throw new Error(
        `ordinaryLeastSquares: regressor "${names[j]}" is constant (every value ${columns[j][0]}); ` +
          'a constant carries no information beyond the intercept: drop it',
      );
    }
    const norm = Math.sqrt(sumOfSquares(col, j));
    // What is left of column j after removing its projection on the earlier columns. If that is a
    // vanishing share of the column, the column is (nearly) a combination of the others.
    if (norm <= 1e-10 * columnNorms[j]) {
      throw new Error(
        `ordinaryLeastSquares: regressor "${names[j]}" is a linear combination of ${names.slice(0, j).join(', ')} ` +
          '(collinear to 1 part in 1e10); the coefficients are not identifiable: drop one of them',
      );
    }
    const alpha = col[j] > 0 ? -norm : norm;
    // Householder vector v = x - alpha e_j over rows j..n-1, stored separately.
    const v = new Float64Array(n - j);
    for (let i = j; i < n; i++) v[i - j] = col[i];
    v[0] -= alpha;
    const vv = sumOfSquares(v, 0);
    for (let c = j; c < k; c++) reflect(a[c], v, vv, j);
    reflect(yc, v, vv, j);
    rDiag[j] = alpha;
  }

  // Back-substitution R b = (Q^T y)[0..k-1]; R's off-diagonal entries are a[c][j] for c > j.
  const slopes = new Array<number>(k).fill(0);
  for (let j = k - 1; j >= 0; j--) {
    let s = yc[j];
    for (let c = j + 1; c < k; c++) s -= a[c][j] * slopes[c];
    slopes[j] = s / rDiag[j];
  }
  let intercept = yMean;
  for (let j = 0; j < k; j++) intercept -= slopes[j] * xMean[j];

  const fitted = new Array<number>(n);
  const residuals = new Array<number>(n);
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    // Residuals from the centred form: no cancellation against large offsets.
    let pred = 0;
    for (let j = 0; j < k; j++) pred += slopes[j] * (columns[j][i] - xMean[j]);
    const dy = y[i] - yMean;
    const r = dy - pred;
    residuals[i] = r;
    fitted[i] = yMean + pred;
    ssr += r * r;
    sst += dy * dy;
  }
  const dof = n - k - 1;
  const rSquared = sst === 0 ? null : 1 - ssr / sst;
  const adjustedRSquared = rSquared === null || dof === 0 ? null : 1 - ((1 - rSquared) * (n - 1)) / dof;
  const residualStandardError = dof === 0 ? null : Math.sqrt(ssr / dof);

  let standardErrors: number[] | null = null;
  if (residualStandardError !== null) {
    // Cov(slopes) = s^2 (R^T R)^-1 = s^2 Rinv Rinv^T; Var(intercept) = s^2/n + xMean^T Cov xMean
    // (the centred design makes the mean of y uncorrelated with the slopes).
    const rInv = invertUpper(a, rDiag, k);
    const s2 = residualStandardError * residualStandardError;
    const cov: number[][] = [];
    for (let i = 0; i < k; i++) {
      cov.push([]);
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let m = Math.max(i, j); m < k; m++) s += rInv[i][m] * rInv[j][m];
        cov[i].push(s2 * s);
      }
    }
    let varIntercept = s2 / n;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) varIntercept += xMean[i] * cov[i][j] * xMean[j];
    standardErrors = [Math.sqrt(varIntercept), ...cov.map((row, i) => Math.sqrt(row[i]))];
  }

  return {
    n,
    regressors: names.slice(),
    intercept,
    slopes,
    standardErrors,
    rSquared,
    adjustedRSquared,
    fitted,
    residuals,
    residualSumOfSquares: ssr,
    totalSumOfSquares: sst,
    residualStandardError,
  };
}

/** Simple regression y = intercept + slope x: the one-regressor case of ordinaryLeastSquares. */
export function simpleLinearRegression(x: readonly number[], y: readonly number[]): SimpleFit {
  if (x.length !== y.length) {
    throw new Error(`simpleLinearRegression: x has ${x.length} values and y has ${y.length}; expected equal lengths`);
  }
  const fit = ordinaryLeastSquares([x], y, ['x']);
  return {
    n: fit.n,
    intercept: fit.intercept,
    slope: fit.slopes[0],
    rSquared: fit.rSquared,
    residuals: fit.residuals,
    fitted: fit.fitted,
    interceptStandardError: fit.standardErrors ? fit.standardErrors[0] : null,
    slopeStandardError: fit.standardErrors ? fit.standardErrors[1] : null,
  };
}

/** Apply I - 2 v v^T / (v^T v) to rows from..n-1 of x. */
function reflect(x: Float64Array, v: Float64Array, vv: number, from: number): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i] * x[from + i];
  const f = (2 * dot) / vv;
  for (let i = 0; i < v.length; i++) x[from + i] -= f * v[i];
}

/** Inverse of the upper-triangular R (diagonal rDiag, entry (j, c) for c > j stored in a[c][j]). */
function invertUpper(a: Float64Array[], rDiag: Float64Array, k: number): number[][] {
  const inv: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let c = 0; c < k; c++) {
    // Solve R x = e_c by back-substitution; x is column c of the inverse.
    for (let j = c; j >= 0; j--) {
      let s = j === c ? 1 : 0;
      for (let m = j + 1; m <= c; m++) s -= a[m][j] * inv[m][c];
      inv[j][c] = s / rDiag[j];
    }
  }
  return inv;
}

function sumOf(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

function sumOfSquares(v: ArrayLike<number>, from: number): number {
  let s = 0;
  for (let i = from; i < v.length; i++) s += v[i] * v[i];
  return s;
}

function checkFinite(v: readonly number[], name: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new Error(`ordinaryLeastSquares: ${name}[${i}] is ${v[i]}, expected a finite number; drop or fix that observation`);
    }
  }
}
