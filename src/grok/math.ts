/**
 * Elementary functions of our own: exp, log, erf, sin, cos, and the exact GELU built from them.
 *
 * Why not Math.exp and friends: ECMAScript lets every engine pick its own approximation, so Math.exp may
 * differ in the last bit between Node versions, browsers and machines, and one different bit in a softmax
 * makes a whole training run diverge. These functions use only + - * / on IEEE doubles (each correctly
 * rounded, and JavaScript never contracts them into fused multiply-adds) plus exact bit manipulation, so
 * every platform returns the same bits.
 *
 * The algorithms are those of Sun's fdlibm (argument reduction, the published minimax coefficients),
 * re-expressed in TypeScript; every function is accurate to within one unit in the last place.
 */

// Bit access to one double. Little-endian is checked once: typed arrays follow the platform's byte order.
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

function highWord(x: number): number {
  bits[0] = x;
  return words[HI] | 0;
}

/** The double whose high word is `hi` and low word 0 (turns fdlibm's high-word tests into compares). */
function fromHighWord(hi: number): number {
  words[HI] = hi;
  words[LO] = 0;
  return bits[0];
}

// Exact powers of two 2^k for k in [-1022, 1023]: repeated doubling and halving are exact in binary.
const POW2_MIN = -1022;
const POW2 = new Float64Array(1023 - POW2_MIN + 1);
{
  let v = 1;
  for (let k = 0; k <= 1023; k++, v *= 2) POW2[k - POW2_MIN] = v;
  v = 1;
  for (let k = 0; k >= POW2_MIN; k--, v /= 2) POW2[k - POW2_MIN] = v;
}

// ---------------------------------------------------------------- exp
// exp x = 2^m 2^(j/64) e^r with x = (64 m + j) ln2/64 + r, |r| <= ln2/128: a 64-entry table of 2^(j/64)
// (each as a double plus its rounding error, generated with 200-bit arithmetic) and a degree-6 Taylor
// polynomial whose truncation error (r^7/7! < 3e-20) is far below an ulp. No division, one table lookup.
const T_HI = new Float64Array([
  1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284, 1.0442737824274138, 1.0556451783605572,
  1.0671404006768237, 1.0787607977571199, 1.0905077326652577, 1.102382583307841, 1.1143867425958924,
  1.1265216186082418, 1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812,
  1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687, 1.241857812073484,
  1.255380757024691, 1.2690509571917332, 1.2828700160787783, 1.2968395546510096, 1.3109612115247644,
  1.3252366431597413, 1.339667524053303, 1.3542555469368927, 1.3690024229745905, 1.383909881963832,
  1.3989796725383112, 1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647,
  1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384, 1.5422108254079407,
  1.559004400237837, 1.5759808451078865, 1.593142151342267, 1.6104903319492543, 1.6280274218573478,
  1.645755478153965, 1.6636765803267364, 1.681792830507429, 1.7001063537185235, 1.718619298122478,
  1.7373338352737062, 1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989,
  1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656, 1.9152065613971474,
  1.9360617934922943, 1.9571441241754002, 1.978456026387951,
]);
const T_LO = new Float64Array([
  0.0, -1.5234778603368577e-17, 5.109225028973444e-17, 7.600838874027088e-18, 8.551889705537965e-17,
  1.759325738772092e-18, -7.899853966841582e-17, -6.656660436056593e-17, -3.046782079812471e-17,
  5.2660368715706944e-17, 1.0410278456845571e-16, 5.165856758795457e-17, 8.912812676025408e-17,
  3.250710218863827e-17, 3.8292048369240935e-17, 5.554203254218079e-17, 3.982015231465646e-17,
  6.644981499252301e-17, -7.712630692681488e-17, -1.89878163130253e-17, 4.658027591836937e-17,
  -6.7113898212968784e-18, 2.667932131342186e-18, 1.713594918243561e-17, 2.5382502794888315e-17,
  -7.181536135519454e-17, -2.8587312100388614e-17, 8.927282594831732e-17, 7.70094837980299e-17,
  9.593797919118849e-17, -6.770511658794786e-17, -9.614213209051323e-17, -9.667293313452913e-17,
  -1.2031642489053655e-17, -3.0237581349939873e-17, -5.600377186075216e-17, -3.483994556892796e-17,
  1.4192920154284036e-17, -1.016455327754295e-16, -1.1024941712342561e-16, 7.949834809697621e-17,
  3.7812070533575275e-17, -1.0136916471278304e-17, -1.0094406542311964e-16, 2.4707192569797888e-17,
  -6.712955084707084e-17, -1.0125679913674773e-16, 5.8909926967131e-17, 8.199010020581497e-17,
  -8.0237193703977e-18, -1.851380418263111e-17, 3.164389299292957e-17, 2.960140695448873e-17,
  6.429731796556572e-17, 1.8227458427912087e-17, -9.969531538920349e-17, 3.283107224245627e-17,
  9.761887490727594e-17, -6.122763413004143e-17, 3.4034035352165297e-17, -1.0619946056195963e-16,
  1.0332385960676326e-16, 8.960767791036668e-17, 4.0388753109278167e-17,
]);
const INV_LN2_64 = 92.33248261689366; // 64 / ln 2
const LN2_64_HI = 0.010830424696223417; // ln2/64 to 36 bits: k * LN2_64_HI is exact for |k| < 2^17
const LN2_64_LO = 2.572804622327669e-14; // ln2/64 - LN2_64_HI
const ROUNDING_SHIFTER = 6755399441055744; // 1.5 * 2^52: (t + S) - S rounds t to the nearest integer
const EXP_OVERFLOW = 7.09782712893383973096e2; // above: e^x overflows
const EXP_UNDERFLOW = -7.45133219101941108420e2; // below: e^x underflows to 0
const TWO_M64 = 5.421010862427522e-20; // 2^-64
const INV_6 = 1 / 6;
const INV_24 = 1 / 24;
const INV_120 = 1 / 120;
const INV_720 = 1 / 720;

/** e^x, within 1 ulp (almost always correctly rounded), identical bits on every platform. */
export function exp(x: number): number {
  if (!(x < 708 && x > -708)) return expOutsideNormalRange(x);
  const kf = x * INV_LN2_64 + ROUNDING_SHIFTER - ROUNDING_SHIFTER;
  const r = x - kf * LN2_64_HI - kf * LN2_64_LO;
  const k = kf | 0;
  const j = k & 63;
  const m = k >> 6; // floor(k / 64)
  const q = r + r * r * (0.5 + r * (INV_6 + r * (INV_24 + r * (INV_120 + r * INV_720))));
  const th = T_HI[j];
  return (th + (T_LO[j] + th * q)) * POW2[m - POW2_MIN];
}

/** |x| >= 708 (and NaN): overflow, underflow, and results near the ends of the double range. */
function expOutsideNormalRange(x: number): number {
  if (x !== x) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const kf = x * INV_LN2_64 + ROUNDING_SHIFTER - ROUNDING_SHIFTER;
  const r = x - kf * LN2_64_HI - kf * LN2_64_LO;
  const k = kf | 0;
  const j = k & 63;
  const m = k >> 6;
  const q = r + r * r * (0.5 + r * (INV_6 + r * (INV_24 + r * (INV_120 + r * INV_720))));
  const th = T_HI[j];
  const y = th + (T_LO[j] + th * q);
  // scale in two exact-or-once-rounded steps so that 2^m itself never leaves the table
  return m > 0 ? y * POW2[m - 1 - POW2_MIN] * 2 : y * POW2[m + 64 - POW2_MIN] * TWO_M64;
}

// ---------------------------------------------------------------- log
const LN2_HI = 6.93147180369123816490e-1; // ln 2 with the low 32 bits cleared: k * LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.80143985094819840000e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural logarithm, within 1 ulp, identical bits on every platform. *
 * Deliberate mirror: kernels/wasm/assembly/log.ts is this function line for line in AssemblyScript (which
 * cannot import TypeScript); change both together (test/grok/wasm-math.test.ts compares them).
 */
export function log(x: number): number {
  bits[0] = x;
  let hx = words[HI] | 0;
  const lx = words[LO];
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54; // subnormal: scale up
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // normalise the significand into [sqrt(2)/2, sqrt(2)): x = 2^k (1 + f)
  const i = (hx + 0x95f64) & 0x100000;
  bits[0] = x;
  words[HI] = hx | (i ^ 0x3ff00000);
  const m = bits[0];
  k += i >> 20;
  const f = m - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

// ---------------------------------------------------------------- erf
const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const PP0 = 1.28379167095512558561e-1;
const PP1 = -3.25042107247001499370e-1;
const PP2 = -2.84817495755985104766e-2;
const PP3 = -5.77027029648944159157e-3;
const PP4 = -2.37630166566501626084e-5;
const QQ1 = 3.97917223959155352819e-1;
const QQ2 = 6.50222499887672944485e-2;
const QQ3 = 5.08130628187576562776e-3;
const QQ4 = 1.32494738004321644526e-4;
const QQ5 = -3.96022827877536812320e-6;
const PA0 = -2.36211856075265944077e-3;
const PA1 = 4.14856118683748331666e-1;
const PA2 = -3.72207876035701323847e-1;
const PA3 = 3.18346619901161753674e-1;
const PA4 = -1.10894694282396677476e-1;
const PA5 = 3.54783043256182359371e-2;
const PA6 = -2.16637559486879084300e-3;
const QA1 = 1.06420880400844228286e-1;
const QA2 = 5.40397917702171048937e-1;
const QA3 = 7.18286544141962662868e-2;
const QA4 = 1.26171219808761642112e-1;
const QA5 = 1.36370839120290507362e-2;
const QA6 = 1.19844998467991074170e-2;
const RA0 = -9.86494403484714822705e-3;
const RA1 = -6.93858572707181764372e-1;
const RA2 = -1.05586262253232909814e1;
const RA3 = -6.23753324503260060396e1;
const RA4 = -1.62396669462573470355e2;
const RA5 = -1.84605092906711035994e2;
const RA6 = -8.12874355063065934246e1;
const RA7 = -9.81432934416914548592e0;
const SA1 = 1.96512716674392571292e1;
const SA2 = 1.37657754143519042600e2;
const SA3 = 4.34565877475229228821e2;
const SA4 = 6.45387271733267880336e2;
const SA5 = 4.29008140027567833386e2;
const SA6 = 1.08635005541779435134e2;
const SA7 = 6.57024977031928170135e0;
const SA8 = -6.04244152148580987438e-2;
const RB0 = -9.86494292470009928597e-3;
const RB1 = -7.99283237680523006574e-1;
const RB2 = -1.77579549177547519889e1;
const RB3 = -1.60636384855821916062e2;
const RB4 = -6.37566443368389627722e2;
const RB5 = -1.02509513161107724954e3;
const RB6 = -4.83519191608651397019e2;
const SB1 = 3.03380607434824582924e1;
const SB2 = 3.25792512996573918826e2;
const SB3 = 1.53672958608443695994e3;
const SB4 = 3.19985821950859553908e3;
const SB5 = 2.55305040643316442583e3;
const SB6 = 4.74528541206955367215e2;
const SB7 = -2.24409524465858183362e1;

const ERF_SMALL = fromHighWord(0x3feb0000); // 0.84375
const ERF_MIDDLE = fromHighWord(0x3ff40000); // 1.25
const ERF_SATURATED = fromHighWord(0x40180000); // 6
const ERF_TAIL = fromHighWord(0x4006db6e); // about 1/0.35
const ERF_TINY = fromHighWord(0x3e300000); // 2^-28
const ERF_SUBNORMAL_GUARD = fromHighWord(0x00800000);

/** The error function, within 1 ulp, identical bits on every platform. */
export function erf(x: number): number {
  const ax = x < 0 ? -x : x;
  if (ax < ERF_SMALL) {
    // |x| < 0.84375: x + x R(x^2)
    if (ax < ERF_TINY) return ax < ERF_SUBNORMAL_GUARD ? 0.0625 * (16 * x + 16 * EFX * x) : x + EFX * x;
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ax < ERF_MIDDLE) {
    // 0.84375 <= |x| < 1.25: expansion around 1
    const s = ax - 1;
    const P = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const Q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return x >= 0 ? ERX + P / Q : -ERX - P / Q;
  }
  if (!(ax < ERF_SATURATED)) return x !== x ? x : x > 0 ? 1 : -1; // |x| >= 6: erf rounds to +-1
  const s = 1 / (ax * ax);
  let R: number;
  let S: number;
  if (ax < ERF_TAIL) {
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  // erfc(x) x = exp(-x^2 - 0.5625 + R/S). fdlibm splits the exponential in two to make erfc accurate to
  // 1 ulp; erf = 1 - erfc only needs erfc to ~2^-53 absolute, and the rounding of x^2 (relative 2^-53 at
  // most x^2 = 36) perturbs erfc <= 0.077 by far less than that, so one exponential keeps erf within 1 ulp.
  const r = exp(-ax * ax - 0.5625 + R / S);
  return x >= 0 ? 1 - r / ax : r / ax - 1;
}

// ---------------------------------------------------------------- sin, cos
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417e0; // first 33 bits of pi/2
const PIO2_1T = 6.07710050650619224932e-11; // pi/2 - PIO2_1
const PIO2_2 = 6.07710050630396597660e-11; // second 33 bits
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21; // third 33 bits
const PIO2_3T = 8.47842766036889956997e-32;

/** sin on [-pi/4, pi/4] of x + y (y the tail of the reduced argument; exact argument when y is 0). */
function kernelSin(x: number, y: number, exactArgument: boolean): number {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (exactArgument) return x + v * (S1 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** cos on [-pi/4, pi/4] of x + y. */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  let qx: number;
  if (ix > 0x3fe90000) qx = 0.28125;
  else {
    words[HI] = ix - 0x00200000; // x / 4 with the low word cleared: makes 1 - qx exact
    words[LO] = 0;
    qx = bits[0];
  }
  return (1 - qx) - ((0.5 * z - qx) - (z * r - x * y));
}

// The reduced argument of the last reduceHalfPi call (two parts) and its quadrant.
let reducedHi = 0;
let reducedLo = 0;

/** x = n pi/2 + (reducedHi + reducedLo), |reduced| <= pi/4; returns n. Cody-Waite in three stages. */
function reduceHalfPi(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix > 0x413921fb) {
    throw new Error(
      `math.sin/cos: expected |x| < 2^19 * pi/2 (the range this reduction handles exactly), found ${x}. ` +
        'Reduce the argument before calling.',
    );
  }
  const t = hx < 0 ? -x : x;
  const n = (t * INV_PIO2 + 0.5) | 0;
  const fn = n;
  let r = t - fn * PIO2_1;
  let w = fn * PIO2_1T;
  const j = ix >> 20;
  let y0 = r - w;
  let i = j - ((highWord(y0) >> 20) & 0x7ff);
  if (i > 16) {
    let u = r;
    w = fn * PIO2_2;
    r = u - w;
    w = fn * PIO2_2T - ((u - r) - w);
    y0 = r - w;
    i = j - ((highWord(y0) >> 20) & 0x7ff);
    if (i > 49) {
      u = r;
      w = fn * PIO2_3;
      r = u - w;
      w = fn * PIO2_3T - ((u - r) - w);
      y0 = r - w;
    }
  }
  const y1 = (r - y0) - w;
  if (hx < 0) {
    reducedHi = -y0;
    reducedLo = -y1;
    return -n;
  }
  reducedHi = y0;
  reducedLo = y1;
  return n;
}

/** sin x for |x| < 2^19 pi/2, within 1 ulp. */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return ix < 0x3e400000 ? x : kernelSin(x, 0, true);
  if (x !== x || ix >= 0x7ff00000) return NaN;
  const n = reduceHalfPi(x) & 3;
  if (n === 0) return kernelSin(reducedHi, reducedLo, false);
  if (n === 1) return kernelCos(reducedHi, reducedLo);
  if (n === 2) return -kernelSin(reducedHi, reducedLo, false);
  return -kernelCos(reducedHi, reducedLo);
}

/** cos x for |x| < 2^19 pi/2, within 1 ulp. */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return ix < 0x3e400000 ? 1 : kernelCos(x, 0);
  if (x !== x || ix >= 0x7ff00000) return NaN;
  const n = reduceHalfPi(x) & 3;
  if (n === 0) return kernelCos(reducedHi, reducedLo);
  if (n === 1) return -kernelSin(reducedHi, reducedLo, false);
  if (n === 2) return -kernelCos(reducedHi, reducedLo);
  return kernelSin(reducedHi, reducedLo, false);
}

// ---------------------------------------------------------------- GELU
export const SQRT1_2 = 0.7071067811865476; // 1/sqrt(2) rounded to double
export const INV_SQRT_2PI = 0.3989422804014327; // 1/sqrt(2 pi) rounded to double

/** Exact (erf) GELU: x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * SQRT1_2));
}

/** d GELU / dx = Phi(x) + x phi(x), phi the standard normal density. */
export function geluDerivative(x: number): number {
  return 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
}
