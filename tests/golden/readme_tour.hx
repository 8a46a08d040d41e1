# test: the README's language tour
# expect-stdout:
# | 1.0000000000000002 float64
# | [100   5   6   7]
# | 0.33333334 int8
# | 10.000
import numpy as np                  # accepted, does nothing; `np.` is optional
n = 200
x = linspace(0, 2 * pi, n)          # float64, like NumPy
y = np.sin(x) ** 2 + cos(x) ** 2    # lazy: nothing runs until observed
print(y.max(), y.dtype)             # 1.0000000000000002 float64

a = arange(12).reshape(3, 4)        # views share storage...
row = a[1]
a[1, 0] = 100
print(row)                          # [100   5   6   7]
b = a.copy()                        # ...copies don't

u = zeros((n, n))
u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] - 2 * u[1:-1, 1:-1])  # aliasing-safe

f = float32(1) / 3                  # strongly typed scalar: float32
g = arange(3, dtype=int8) + 1       # weak Python scalar adopts int8 (NEP 50)
print(f, g.dtype)                   # 0.33333334 int8

def smooth(v, *weights, k=2):
    """Nested helpers see the enclosing function's variables."""
    def shifted(s):
        return v[s:len(v) - k + s]
    total = zeros(len(v) - k)
    for i, w in enumerate(weights):
        total += w * shifted(i)
    return total

print(f"{smooth(arange(6.0), 0.25, 0.5, 0.25).sum():.3f}")
