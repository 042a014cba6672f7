# Fits for the gradient kernels of assembly/kernels/tanh_family.ts (mpmath, 60 digits).
#
# mish', gelu' and geluTanh' each cross zero once (x0 ~ -1.19, -0.752, -0.752),
# where their closed forms cancel. There the kernels use f'(x) = t P(t), t = x - x0
# with x0 = X0_HI + X0_LO, P(t) = P0_HI + (P0_LO + t Q(t)), Q fitted by Chebyshev
# interpolation on the window (in t) and converted to monomials. Prints the
# constants and the fit error of P (relative) with its coefficients rounded to f64.
import mpmath as mp

mp.mp.dps = 60
K = mp.sqrt(2 / mp.pi)
C1 = 2 * K
C3 = 2 * mp.mpf('0.044715') * K


def mish_p(x):
    sp = mp.log1p(mp.exp(x))
    return mp.tanh(sp) + x * mp.sech(sp) ** 2 / (1 + mp.exp(-x))


def gelu_p(x):
    return mp.ncdf(x) + x * mp.npdf(x)


def gelu_tanh_p(x):
    v = x * (C1 + C3 * x * x)
    s = 1 / (1 + mp.exp(-v))
    return s + x * s * (1 - s) * (C1 + 3 * C3 * x * x)


def split(v):
    hi = float(v)
    return hi, float(v - mp.mpf(hi))


def fit(name, f, guess, lo, hi, degree):
    x0 = mp.findroot(f, guess)
    x0h, x0l = split(x0)
    p0 = mp.diff(f, x0)
    p0h, p0l = split(p0)
    ta, tb = mp.mpf(lo) - x0, mp.mpf(hi) - x0

    def P(t):
        return f(x0 + t) / t if t != 0 else p0

    def Q(t):
        return (P(t) - p0) / t if t != 0 else mp.diff(f, x0, 2) / 2

    n = degree + 1
    nodes = [(ta + tb) / 2 + (tb - ta) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n) for k in range(n)]
    # Interpolating polynomial in monomials of t (Vandermonde at Chebyshev nodes, exact arithmetic).
    A = mp.matrix([[t ** j for j in range(n)] for t in nodes])
    b = mp.matrix([Q(t) for t in nodes])
    c = mp.lu_solve(A, b)
    coef = [float(c[j]) for j in range(n)]
    # Fit error of P with the rounded coefficients, relative.
    worst = mp.mpf(0)
    for k in range(401):
        t = ta + (tb - ta) * k / 400
        q = mp.mpf(0)
        for j in reversed(range(n)):
            q = q * t + mp.mpf(coef[j])
        p = mp.mpf(p0h) + (mp.mpf(p0l) + t * q)
        worst = max(worst, abs(p / P(t) - 1))
    print(f'// {name}: root {mp.nstr(x0, 25)}, window [{lo}, {hi}], degree {degree}, fit error of P {mp.nstr(worst, 3)} relative')
    print(f'X0_HI = {x0h!r}; X0_LO = {x0l!r}; P0_HI = {p0h!r}; P0_LO = {p0l!r}')
    print('Q = [' + ', '.join(repr(v) for v in coef) + ']')


fit('mish', mish_p, -1.19, -1.4, -0.85, 15)
fit('gelu', gelu_p, -0.75, -1.3, -0.3, 19)
fit('geluTanh', gelu_tanh_p, -0.75, -1.05, -0.5, 16)
print('INV_SQRT_2PI', split(1 / mp.sqrt(2 * mp.pi)))
print('C3X3', split(3 * C3), 'C1', split(C1), 'C3', split(C3))
