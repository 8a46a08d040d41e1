import numpy as np
"""Composite trapezoid and Simpson rules, Richardson extrapolation, and a convergence table."""


def trapezoid(f, a, b, n):
    x = np.linspace(a, b, n + 1)
    y = f(x)
    h = (b - a) / n
    return h * (0.5 * y[0] + y[1:-1].sum() + 0.5 * y[-1])


def simpson(f, a, b, n):
    """Composite Simpson; n must be even."""
    assert n % 2 == 0, "Simpson's rule needs an even number of intervals"
    x = np.linspace(a, b, n + 1)
    y = f(x)
    h = (b - a) / n
    return h / 3.0 * (y[0] + 4.0 * y[1:-1:2].sum() + 2.0 * y[2:-1:2].sum() + y[-1])


def romberg(f, a, b, levels=5):
    R = np.zeros((levels, levels))
    for i in range(levels):
        R[i, 0] = trapezoid(f, a, b, 2 ** i)
        for k in range(1, i + 1):
            R[i, k] = R[i, k - 1] + (R[i, k - 1] - R[i - 1, k - 1]) / (4 ** k - 1)
    return R


exact = 2.0
print(" n    trapezoid err   simpson err   ratio")
prev = None
for n in (4, 8, 16, 32, 64):
    et = abs(trapezoid(np.sin, 0.0, np.pi, n) - exact)
    es = abs(simpson(np.sin, 0.0, np.pi, n) - exact)
    ratio = "" if prev is None else f"{prev / es:6.2f}"
    print(f"{n:3d}   {et:.6e}   {es:.6e}   {ratio}")
    prev = es
R = romberg(lambda x: np.exp(-x * x), 0.0, 1.0)
print(np.round(R[-1], 12))
print(f"{R[-1, -1]:.12f}")
gauss = lambda t: np.exp(-0.5 * t ** 2) / np.sqrt(2 * np.pi)
print(f"P(|Z|<1) = {simpson(gauss, -1.0, 1.0, 200):.8f}")
print(np.isclose(simpson(lambda x: x ** 3, 0.0, 2.0, 2), 4.0))
