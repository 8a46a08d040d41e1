import numpy as np
# More "100 numpy exercises": broadcasting, where, cumulative and stride tricks
Z = np.arange(5)
print(Z[:, None] + Z[None, :] * 10)
X = np.arange(8)
Y = X + 0.5
C = 1.0 / (X[:, None] - Y[None, :])
print(np.round(C[:3, :3], 4))
Z = np.linspace(0, 1, 7)
print(np.round(Z, 3), Z[1] - Z[0] == 1 / 6)
A = np.arange(3 * 4 * 5).reshape(3, 4, 5)
print(A.sum(axis=(-2, -1)), A.sum(axis=-1).sum(axis=-1))
Z = np.ones(10)
I = np.array([1, 3, 9, 3, 1])
Z[I] += 1
print(Z)
Z = np.arange(10, dtype=np.float32)
Z *= 1.5
print(Z.dtype, Z[-3:])
Z = np.arange(10)
print(np.cumsum(Z)[3:] - np.cumsum(Z)[:-3])
Z = np.arange(1, 15, dtype=np.uint32)
n = 4
print(Z[:-3][:, None] + np.arange(4)[None, :3 + 1] * 1)
Z = np.arange(16).reshape(4, 4)
print(Z[::-1, ::2], Z[np.arange(4), np.arange(4)])
Z = np.arange(9).reshape(3, 3)
Z[[0, 2]] = Z[[2, 0]]
print(Z)
Z = np.linspace(-1, 1, 9)
print(np.clip(Z, -0.5, 0.5) * 2, np.sign(Z).astype(int))
M = np.zeros((5, 5), dtype=np.int16)
M[np.arange(5), np.arange(5)] = np.arange(1, 6)
M[np.arange(4), np.arange(1, 5)] = -1
print(M, M.dtype)
Z = np.arange(10) % 4 == 0
print(Z, np.logical_not(Z).sum(), np.any(Z), Z.all())
P = np.linspace(0, 3, 4)
D = np.sqrt((P[:, None] - P[None, :]) ** 2 + 1.0)
print(np.round(D, 4), D.argmax(axis=1))
