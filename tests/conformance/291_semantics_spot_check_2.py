import numpy as np
def f(x, y=2, *rest, scale=1.0):
    """docstring"""
    def g(z):
        return z * y + len(rest)
    return g(x) * scale
print(f(3), f(3, 4, 5, 6, scale=0.5))
k = 1
a = np.arange(10.0)
print(a[1:-1 + k or None], a[1:-1 + 0 or None], 0 if k == 1 else 1)
s = "abc"
print(s[::-1], s * 2, len(s), "b" in s, s.upper())
t = (1, 2, 3)
p, *q = t
print(p, len(q), t[::-1], t + (4,), t * 2, max(t), min(3, 1, 2), sum(t))
i = 0
while True:
    i += 1
    if i % 2 == 0:
        continue
    if i > 7:
        break
else:
    print("never")
print(i)
for j in range(3):
    pass
else:
    print("done", j)
n = None
print(n is None, n is not None, [1, 2] == [1, 2] if False else 1)
lam = lambda u, w=3: u ** w
print(lam(2), lam(2, 0.5))
vals = np.array([x ** 2 for x in range(5) if x % 2 == 0])
print(vals, vals.dtype)
print(np.float64(0.1) + np.float64(0.2), 0.1 + 0.2, 1e16, 1e-5, 123456789012345678.0, 2 ** 0.5)
print(int(3.9), int(-3.9), float("1.5"), bool(0.0), abs(-3), round(2.5), round(3.5), round(2.675, 2))
print(np.array(5), np.array(5.0).ndim, np.array([]).shape, np.zeros((2, 0)).sum(axis=1))
print(np.uint8(250) + np.uint8(10), np.array([250], dtype=np.uint8) + 10, np.int32(7) / np.int32(2))
print(np.array([3, -3]) >> 1, np.array([1], dtype=np.int8) << 7, 7 & 3, 7 | 8, 7 ^ 2, ~5)
x = np.arange(6).reshape(2, 3)
y = x[:, 1]
x[1, 1] = 99
print(y, x.flatten()[4], x.reshape(3, 2)[2])
z = x.copy()
z += 1
print(x[0], z[0])
w = x.T
w[0, 0] = -5
print(x[0, 0])
print(np.sum(x, axis=(0, 1)), np.max(x, axis=-1, keepdims=True).shape, x.mean(axis=0))
print(np.nanmax(np.array([np.nan, 1.0, 3.0])), np.nansum(np.array([np.nan, 2.0])), np.nanmin(np.array([[np.nan, 2.0], [1.0, np.nan]]), axis=0))
print(np.isnan(np.array([np.nan, 1])), np.isfinite(np.array([np.inf, 0])), np.sign(np.array([-2.0, 0.0, 3.0, np.nan])))
print(np.hypot(3, 4), np.arctan2(1.0, -1.0), np.exp2(10), np.cbrt(-27.0), np.log1p(0.0), np.expm1(1e-10))
print(np.full((2, 2), 7), np.full(3, 2.5, dtype=np.float32), np.ones_like(x, dtype=float), np.zeros_like(np.arange(3.0)))
print(np.linspace(0, 10, 4, endpoint=False), np.arange(0, 1, 0.25), np.arange(5, 0, -2), np.linspace(0, 1, 3, dtype=int))
print(np.expand_dims(np.arange(3), axis=(0, 2)).shape, np.swapaxes(np.zeros((2, 3, 4)), 0, 2).shape, np.broadcast_to(np.arange(3), (2, 3)))
