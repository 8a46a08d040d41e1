import numpy as np
"""Linear shallow-water equations on a periodic C-grid (forward-backward scheme)."""
g = 9.81
H = 100.0
f0 = 1e-4
nx, ny = 32, 24
dx = dy = 1.0e4
dt = 0.2 * dx / np.sqrt(g * H)

x = (np.arange(nx) + 0.5) * dx
y = (np.arange(ny) + 0.5) * dy
X = x[:, np.newaxis] * np.ones(ny)
Y = np.ones(nx)[:, np.newaxis] * y
eta = 0.5 * np.exp(-((X - x.mean()) ** 2 + (Y - y.mean()) ** 2) / (5 * dx) ** 2)
u = np.zeros((nx, ny))
v = np.zeros((nx, ny))


def energy(eta, u, v):
    ke = 0.5 * H * (u ** 2 + v ** 2).sum()
    pe = 0.5 * g * (eta ** 2).sum()
    return ke, pe


def step(eta, u, v):
    v_at_u = 0.25 * (v + np.roll(v, 1, axis=0) + np.roll(v, -1, axis=1) + np.roll(np.roll(v, 1, axis=0), -1, axis=1))
    u_new = u + dt * (-g * (np.roll(eta, -1, axis=0) - eta) / dx + f0 * v_at_u)
    u_at_v = 0.25 * (u_new + np.roll(u_new, -1, axis=0) + np.roll(u_new, 1, axis=1) + np.roll(np.roll(u_new, -1, axis=0), 1, axis=1))
    v_new = v + dt * (-g * (np.roll(eta, -1, axis=1) - eta) / dy - f0 * u_at_v)
    div = (u_new - np.roll(u_new, 1, axis=0)) / dx + (v_new - np.roll(v_new, 1, axis=1)) / dy
    eta_new = eta - dt * H * div
    return eta_new, u_new, v_new


ke0, pe0 = energy(eta, u, v)
mass0 = eta.sum()
print(f"dt = {dt:.3f} s, initial PE = {pe0:.6f}")
for n in range(1, 41):
    eta, u, v = step(eta, u, v)
    if n % 10 == 0:
        ke, pe = energy(eta, u, v)
        print(f"step {n:3d}: eta max {eta.max():+.6f} min {eta.min():+.6f} E/E0 {(ke + pe) / pe0:.6f}")
print(np.isclose(eta.sum(), mass0), np.allclose(u[:, 0], u[:, 0]))
print(np.round(eta[nx // 2, ::4], 5))
