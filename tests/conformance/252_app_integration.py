import numpy as np
def trapezoid(f, a, b, n=1000):
    x = np.linspace(a, b, n + 1)
    y = f(x)
    h = (b - a) / n
    return h * (y.sum() - 0.5 * (y[0] + y[-1]))
print(f"{trapezoid(np.sin, 0, np.pi):.8f}")
print(f"{trapezoid(lambda x: x ** 2, 0, 3):.8f}")
print(f"{trapezoid(np.exp, 0, 1, n=10):.6f}")
mid = lambda f, a, b, n: ((b - a) / n) * f(a + (np.arange(n) + 0.5) * (b - a) / n).sum()
print(f"{mid(np.cos, 0.0, np.pi / 2, 64):.10f}")
