import numpy as np
"""Mixing-tensor components stored in 5-D arrays (x, y, z, ip, kr), pyhpc style."""
nx, ny, nz = 10, 9, 6
x = np.linspace(0.0, 1.0, nx)[:, None, None]
y = np.linspace(0.0, 1.0, ny)[None, :, None]
z = np.linspace(-1.0, 0.0, nz)[None, None, :]
rho = 1025.0 + 2.0 * np.sin(np.pi * x) * np.cos(np.pi * y) - 5.0 * z
maskT = np.ones((nx, ny, nz))
maskT[:, :, 0] = 0.0
Ai_ez = np.zeros((nx, ny, nz, 2, 2))
Ai_nz = np.zeros((nx, ny, nz, 2, 2))
Ai_bx = np.zeros((nx, ny, nz, 2, 2))
K_11 = np.zeros((nx, ny, nz))
for kr in range(2):
    ki = 0 if kr == 1 else 1
    for ip in range(2):
        dxr = rho[2 + ip:-2 + ip or None, 2:-2, ki:] - rho[1 + ip:-3 + ip, 2:-2, ki:]
        dzr = rho[2:-2, 2:-2, ki:] - rho[2:-2, 2:-2, ki:] * (1.0 + 1e-3 * (kr + 1))
        Ai_ez[2:-2, 2:-2, ki:, ip, kr] = -dxr / (np.minimum(dzr, -1e-3))
        Ai_nz[2:-2, 2 + ip:-2 + ip or None, ki:, ip, kr] = rho[2:-2, 2 + ip:-2 + ip or None, ki:] * 1e-3
        Ai_bx[2:-2, 2:-2, :-1 + kr or None, ip, kr] = maskT[2:-2, 2:-2, :-1 + kr or None] * (ip + 2 * kr + 1)
K_11[2:-2, 2:-2, :] = 0.25 * (Ai_ez[2:-2, 2:-2, :, 0, 0] + Ai_ez[2:-2, 2:-2, :, 0, 1]
                              + Ai_ez[2:-2, 2:-2, :, 1, 0] + Ai_ez[2:-2, 2:-2, :, 1, 1])
Ai_ez[..., 1, 1] *= maskT
print(Ai_ez.shape, Ai_ez[2:-2, 2:-2, :, 0, 1].shape)
print(np.round(Ai_ez[3, 3, :, :, :].reshape(nz, 4), 6))
print(np.round(K_11[2:-2, 3, 3], 6))
print(np.round(Ai_nz.sum(axis=(0, 1, 2)), 6))
print(Ai_bx.sum(axis=(0, 1, 2)), np.count_nonzero(Ai_bx[..., 0, 0]))
flux = np.zeros((nx, ny, nz))
flux[2:-2, 2:-2, 1:] = (Ai_bx[2:-2, 2:-2, 1:, 0, 0] - Ai_bx[2:-2, 2:-2, :-1, 1, 1]) * rho[2:-2, 2:-2, 1:]
print(np.round(flux[3, 3], 3), f"{np.abs(flux).sum():.4f}")
