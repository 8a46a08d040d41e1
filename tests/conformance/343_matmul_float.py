import numpy as np
# Float matmul through the library kernels: shapes around the tile boundaries,
# views, float32, stacks with broadcasting; printed rounded.
def r8(x):
    return np.round(x, 8)
n = 300
i = np.arange(n * 257)
a = ((i * 0.6180339887498949) % 1.0 - 0.5).reshape(n, 257)
b = ((np.arange(257 * 190) * 0.7548776662466927) % 1.0 - 0.5).reshape(257, 190)
c = a @ b
print(c.shape, c.dtype)
print(r8(c[::61, ::47]))
print(r8(c.sum()))
print(r8((a[:, :190] @ b[:190, :].T[:, :100])[5:8, :4]))
print(r8((a.T @ a)[:3, :3]))
s = a[:40, :30].reshape(4, 10, 30)
t = b[:30, :12]
print(r8((s @ t)[3, 9]))
u = np.arange(24.0).reshape(2, 1, 3, 4)
w = np.arange(36.0).reshape(3, 4, 3)
print((u @ w).shape)
print(u @ w)
f = a.astype(np.float32) @ b.astype(np.float32)
print(f.dtype, f.shape)
print(np.round(f[::97, ::61].astype(np.float64), 4))
v = np.linspace(-1, 1, 257)
print(r8(a @ v)[:5])
print(r8(v @ b)[:5])
print(r8(v @ v))
big = ((np.arange(600 * 600) * 0.5698402909980532) % 1.0).reshape(600, 600)
g = big @ big
print(r8(g[::150, ::150]))
print(r8(g.sum(axis=0)[:4]))
