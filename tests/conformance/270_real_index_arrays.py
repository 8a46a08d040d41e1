import numpy as np
"""Particle-in-cell style gathers and scatters with integer index arrays."""
nx = 8
L = 8.0
dx = L / nx
xp = np.linspace(0.1, 7.9, 13)
vp = np.cos(xp)
cell = np.floor(xp / dx).astype(np.int64)
frac = xp / dx - cell
left = cell % nx
right = (cell + 1) % nx
print(cell)
print(right)
grid = np.arange(nx) * 1.5
gathered = (1 - frac) * grid[left] + frac * grid[right]
print(np.round(gathered, 4))
density = np.zeros(nx)
for p in range(len(xp)):
    density[left[p]] += 1 - frac[p]
    density[right[p]] += frac[p]
print(np.round(density, 4), np.isclose(density.sum(), len(xp)))
once = np.zeros(nx)
once[left] += 1.0
print(once)
idx = np.array([0, 2, 4, 6])
table = np.arange(24).reshape(6, 4)
print(table[idx[:3]])
print(table[[1, 3, 5], [0, 1, 2]])
print(table[idx[1:] - 1, -1])
table[idx[:2], 1] = -1
print(table[:3])
neighbours = np.array([[1, 7], [0, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7], [6, 0]])
smooth = 0.5 * grid + 0.25 * (grid[neighbours[:, 0]] + grid[neighbours[:, 1]])
print(smooth)
order = np.arange(nx)[::-1]
print(grid[order][:4], grid[-1 - np.arange(3)])
