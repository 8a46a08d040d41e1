import numpy as np
"""Vertical loops over staggered levels with `-1 + k or None` slice bounds."""
nz = 6
nx = 4
zw = np.linspace(-300.0, 0.0, nz)
zt = zw - 25.0
T = 4.0 + 16.0 * np.exp(zt / 80.0)[np.newaxis, :] * (1.0 + 0.05 * np.arange(nx))[:, np.newaxis]
dz = np.diff(zw)
print(np.round(zt, 1), dz)
for k in range(2):
    upper = T[:, 1:-1 + k or None]
    lower = T[:, :-2 + k or None]
    print(k, upper.shape, lower.shape, np.round((upper - lower).mean(), 6))
N2 = np.zeros_like(T)
for kr in range(2):
    ki = 0 if kr == 1 else 1
    N2[:, ki:nz - 1 + ki] += 0.5 * 2e-4 * 9.81 * (T[:, 1:] - T[:, :-1]) / dz[np.newaxis, :]
print(np.round(N2 * 1e5, 5))
flux = np.zeros((nx, nz + 1))
kappa = 1e-4 * (1.0 + np.arange(nz + 1) / nz)
for k in range(1, nz):
    flux[:, k] = -kappa[k] * (T[:, k] - T[:, k - 1]) / dz[k - 1]
div = (flux[:, 1:] - flux[:, :-1]) / np.concatenate((dz, dz[-1:]))
print(np.round(div * 1e7, 4))
acc = T[:, :1].copy()
for k in range(1, nz):
    acc = np.concatenate((acc, acc[:, -1:] + T[:, k:k + 1] * dz[k - 1] / 50.0), axis=1)
print(acc.shape, np.round(acc[0], 4))
mixed = T.copy()
for k in range(nz - 1, 0, -1):
    unstable = mixed[:, k - 1] > mixed[:, k]
    avg = 0.5 * (mixed[:, k - 1] + mixed[:, k])
    mixed[:, k - 1] = np.where(unstable, avg, mixed[:, k - 1])
    mixed[:, k] = np.where(unstable, avg, mixed[:, k])
print(np.round(mixed[-1], 4), np.all(np.diff(T, axis=1) > 0))
