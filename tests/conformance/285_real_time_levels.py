import numpy as np
"""Adams-Bashforth momentum with three rotating time levels stored in a 4-D array."""
AB_EPS = 0.1
nx, ny, nz = 10, 8, 3
dt = 600.0
coriolis = 1e-4 * np.linspace(0.8, 1.2, ny)
u = np.zeros((nx, ny, nz, 3))
v = np.zeros((nx, ny, nz, 3))
du = np.zeros((nx, ny, nz, 3))
dv = np.zeros((nx, ny, nz, 3))
x = np.arange(nx)[:, None, None]
u[..., 0] = 0.1 * np.sin(2 * np.pi * x / nx) * np.ones((1, ny, nz))
u[..., 1] = u[..., 0]
tau, taum1, taup1 = 1, 0, 2


def tendencies(u, v, tau):
    """Coriolis plus a weak linear drag, at time level tau."""
    fu = coriolis[np.newaxis, :, np.newaxis] * v[..., tau] - 1e-6 * u[..., tau]
    fv = -coriolis[np.newaxis, :, np.newaxis] * u[..., tau] - 1e-6 * v[..., tau]
    return fu, fv


for n in range(1, 61):
    du[..., tau], dv[..., tau] = tendencies(u, v, tau)
    u[..., taup1] = u[..., tau] + dt * ((1.5 + AB_EPS) * du[..., tau] - (0.5 + AB_EPS) * du[..., taum1])
    v[..., taup1] = v[..., tau] + dt * ((1.5 + AB_EPS) * dv[..., tau] - (0.5 + AB_EPS) * dv[..., taum1])
    taum1, tau, taup1 = tau, taup1, taum1
    if n % 15 == 0:
        ke = 0.5 * (u[..., tau] ** 2 + v[..., tau] ** 2).mean()
        print(f"step {n:3d}  levels ({taum1},{tau},{taup1})  KE {ke:.8e}  max v {np.abs(v[..., tau]).max():.6f}")
print(np.round(u[2, :, 0, tau], 6))
print(np.round(v[2, ::2, 1, tau], 6))
print(np.allclose(u[..., tau][:, :, 0], u[..., tau][:, :, 2]), tau, taum1, taup1)
