"""Derives the coefficients of the normal CDF used by the WebAssembly GELU (assembly/gelu.ts).

Run by hand when the approximation changes: /usr/bin/python3 normal_cdf_coefficients.py
Needs mpmath (Debian: python3-mpmath) and numpy. It prints the AssemblyScript constants and the worst
relative error of the fit evaluated in the target precision (Horner, float32 or float64 arithmetic). The
kernels do not run this at build time: the constants are pasted into gelu.ts, so the build stays pure
AssemblyScript.

The form, one piece for every x (SIMD lanes never branch), a = |x|:
  phi(a) = exp(-a^2 / 2) / sqrt(2 pi)            (GELU's derivative needs it anyway)
  Q(a)   = phi(a) N(a) / D(a)                      upper tail 1 - Phi(a); N/D fits the Mills ratio Q/phi
  Phi(x) = x > 0 ? 1 - Q(a) : Q(a)
The Mills ratio is smooth and of order 1 on the whole half line (sqrt(pi/2) at 0, ~1/a far out), so one
rational function covers [0, 40] (float64; phi underflows beyond 38.6) or [0, 14] (float32). The fit is a
linearised least squares with relative weights, iterated (Sanathanan-Koerner), on Chebyshev points.
"""

import mpmath as mp
import numpy as np

mp.mp.dps = 60


def mills(a):
    return (mp.erfc(a / mp.sqrt(2)) / 2) / mp.npdf(a)


def rational_fit(f, lo, hi, m, k, iterations=8, points=400):
    xs = [lo + (hi - lo) * (1 - mp.cos(mp.pi * (i + mp.mpf("0.5")) / points)) / 2 for i in range(points)]
    fs = [f(x) for x in xs]
    weights = [1 / abs(v) for v in fs]
    previous = [mp.mpf(1)] * points
    for _ in range(iterations):
        a = mp.matrix(points, m + 1 + k)
        b = mp.matrix(points, 1)
        for i, (x, fx) in enumerate(zip(xs, fs)):
            s = weights[i] / previous[i]
            for j in range(m + 1):
                a[i, j] = s * x**j
            for j in range(1, k + 1):
                a[i, m + j] = -s * fx * x**j
            b[i] = s * fx
        sol = mp.qr_solve(a, b)[0]
        num = [sol[j] for j in range(m + 1)]
        den = [mp.mpf(1)] + [sol[m + j] for j in range(1, k + 1)]
        previous = [mp.polyval(den[::-1], x) for x in xs]
    return num, den


def horner(coefficients_low_first, x, dtype):
    r = dtype(coefficients_low_first[-1]) + np.zeros_like(x)
    for c in coefficients_low_first[-2::-1]:
        r = (r * x + dtype(c)).astype(dtype)
    return r


def derive(label, dtype, m, k, upper):
    num, den = rational_fit(mills, mp.mpf(0), mp.mpf(upper), m, k)
    n_low_first = [dtype(float(c)) for c in num]
    d_low_first = [dtype(float(c)) for c in den]
    a = np.linspace(0, upper, 4001).astype(dtype)
    ratio = (horner(n_low_first, a, dtype) / horner(d_low_first, a, dtype)).astype(dtype)
    ref = np.array([float(mills(mp.mpf(float(v)))) for v in a])
    err = np.max(np.abs(ratio - ref) / ref)
    suffix = "F" if dtype == np.float32 else "D"
    t = "f32" if dtype == np.float32 else "f64"
    print(f"// {label}: Mills ratio N/D, degrees {m}/{k} on [0, {upper}], worst relative error {err:.2e} ({t} evaluation)")
    for name, cs in (("N", n_low_first), ("D", d_low_first)):
        for i, c in enumerate(cs):
            if name == "D" and i == 0:
                continue  # D0 = 1
            print(f"const {name}{i}_{suffix}: {t} = {float(c)!r};")
    print()


derive("float32", np.float32, 4, 5, 14.0)
derive("float64", np.float64, 9, 10, 40.0)
