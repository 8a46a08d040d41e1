import numpy as np
# Exercises in the style of "100 numpy exercises"
Z = np.zeros(10)
Z[4] = 1
print(Z)
Z = np.arange(10, 50)
print(Z[::-1][:5], Z.size)
Z = np.arange(9).reshape(3, 3)
print(Z)
Z = np.ones((10, 10))
Z[1:-1, 1:-1] = 0
print(Z[:3, :4])
Z = np.zeros((8, 8), dtype=int)
Z[1::2, ::2] = 1
Z[::2, 1::2] = 1
print(Z[:4, :4], Z.sum())
print(np.tile(np.array([[0, 1], [1, 0]]), (2, 2)))
Z = np.linspace(0, 1, 6) * 5 + 2
Z = (Z - np.mean(Z)) / (np.std(Z))
print(np.round(Z, 4))
Z = np.arange(11)
Z[(3 < Z) & (Z <= 8)] *= -1
print(Z)
Z = np.arange(-5.0, 5.0) / 3
print(np.where(Z > 0, np.ceil(Z), np.floor(Z)))
Z = np.zeros((5, 5))
Z += np.arange(5)
print(Z[-2:])
Z = np.linspace(0, 1, 11, endpoint=False)[1:]
print(np.round(Z, 4))
A = np.arange(10).reshape(2, 5) * 0.5
print(np.round(A - A.mean(axis=1, keepdims=True), 3))
Z = np.arange(25).reshape(5, 5)
Z[[0, 1]] = Z[[1, 0]]
print(Z[:3])
Z = np.arange(20)
print(Z[Z % 3 == 0].sum(), np.sum(Z[::-2]))
Z = np.ones((4, 4)) * np.arange(4)
print(np.all(Z.T[2] == 2), np.any(Z < 0), Z.shape, Z.ndim)
