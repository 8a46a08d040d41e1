import numpy as np
"""2-D acoustic wave equation, second-order leapfrog with a point source and absorbing sponge."""
nx, nz = 40, 30
dx = 10.0
c = np.full((nz, nx), 1500.0)
c[nz // 2:, :] = 2500.0
dt = 0.4 * dx / c.max()
nt = 120
t = np.arange(nt) * dt
f0 = 25.0
arg = (np.pi * f0 * (t - 1.0 / f0)) ** 2
source = (1.0 - 2.0 * arg) * np.exp(-arg)
sponge = np.ones((nz, nx))
width = 5
for k in range(width):
    damp = np.exp(-(0.05 * (width - k)) ** 2)
    sponge[:, k] *= damp
    sponge[:, -1 - k] *= damp
    sponge[-1 - k, :] *= damp
p_old = np.zeros((nz, nx))
p = np.zeros((nz, nx))
lap = np.zeros((nz, nx))
sz, sx = 5, nx // 2
receiver = np.zeros(nt)
for it in range(nt):
    lap[1:-1, 1:-1] = (p[1:-1, 2:] + p[1:-1, :-2] + p[2:, 1:-1] + p[:-2, 1:-1] - 4.0 * p[1:-1, 1:-1]) / dx ** 2
    p_new = 2.0 * p - p_old + (c * dt) ** 2 * lap
    p_new[sz, sx] += dt ** 2 * source[it]
    p_new *= sponge
    p_old, p = p, p_new
    receiver[it] = p[sz, sx + 10]
print(f"dt = {dt * 1e3:.4f} ms, CFL = {c.max() * dt / dx:.2f}")
print(f"peak |p| = {np.abs(p).max():.6e} at row {np.abs(p).argmax() // nx}, col {np.abs(p).argmax() % nx}")
print(f"first arrival sample: {np.argmax(np.abs(receiver) > 1e-3 * np.abs(receiver).max())}")
print(np.round(receiver[::12] * 1e6, 4))
print(np.round(p[sz, ::5] * 1e6, 4))
print(np.all(p[0, :] == 0.0), np.isfinite(p).all())
