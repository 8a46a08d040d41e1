import numpy as np
"""Isoneutral slope tensor, after the pyhpc-benchmarks isoneutral_mixing kernel."""
epsln = 1e-20
iso_slopec = 1e-3
iso_dslope = 1e-3
K_iso_steep = 50.0


def isoneutral_slopes(maskU, dxu, dzw, temp, salt, K_iso, tau=0):
    """Slopes along x at the east face, for both vertical half cells."""
    nx, ny, nz = maskU.shape
    drdT = -0.2 - 0.01 * temp[:, :, :, tau]
    drdS = 0.8 + 0.001 * salt[:, :, :, tau]
    dTdx = np.zeros_like(maskU)
    dSdx = np.zeros_like(maskU)
    dTdz = np.zeros_like(maskU)
    dSdz = np.zeros_like(maskU)
    dTdx[:-1, :, :] = maskU[:-1, :, :] * (temp[1:, :, :, tau] - temp[:-1, :, :, tau]) / dxu[:-1, np.newaxis, np.newaxis]
    dSdx[:-1, :, :] = maskU[:-1, :, :] * (salt[1:, :, :, tau] - salt[:-1, :, :, tau]) / dxu[:-1, np.newaxis, np.newaxis]
    dTdz[:, :, :-1] = (temp[:, :, 1:, tau] - temp[:, :, :-1, tau]) / dzw[np.newaxis, np.newaxis, :-1]
    dSdz[:, :, :-1] = (salt[:, :, 1:, tau] - salt[:, :, :-1, tau]) / dzw[np.newaxis, np.newaxis, :-1]

    def dm_taper(sx):
        return 0.5 * (1.0 + np.tanh((-np.abs(sx) + iso_slopec) / iso_dslope))

    Ai_ez = np.zeros((nx, ny, nz, 2, 2))
    sumz = np.zeros_like(maskU)[2:-2, 2:-2]
    for kr in range(2):
        ki = 0 if kr == 1 else 1
        for ip in range(2):
            drodxe = drdT[2 + ip:-2 + ip, 2:-2, ki:] * dTdx[2:-2, 2:-2, ki:] \
                + drdS[2 + ip:-2 + ip, 2:-2, ki:] * dSdx[2:-2, 2:-2, ki:]
            drodze = drdT[2 + ip:-2 + ip, 2:-2, ki:] * dTdz[2 + ip:-2 + ip, 2:-2, :-1 + kr or None] \
                + drdS[2 + ip:-2 + ip, 2:-2, ki:] * dSdz[2 + ip:-2 + ip, 2:-2, :-1 + kr or None]
            sxe = -drodxe / (np.minimum(0.0, drodze) - epsln)
            taper = dm_taper(sxe)
            sumz[:, :, ki:] += dzw[np.newaxis, np.newaxis, :-1 + kr or None] * maskU[2:-2, 2:-2, ki:] \
                * np.maximum(K_iso_steep, K_iso[2:-2, 2:-2, ki:] * taper)
            Ai_ez[2:-2, 2:-2, ki:, ip, kr] = taper * sxe * maskU[2:-2, 2:-2, ki:]
    return Ai_ez, sumz


nx, ny, nz = 12, 10, 8
i = np.arange(nx)[:, None, None]
j = np.arange(ny)[None, :, None]
k = np.arange(nz)[None, None, :]
maskU = np.where((i + j) % 7 == 0, 0.0, 1.0) * np.ones((nx, ny, nz))
dxu = 1000.0 + 10.0 * np.arange(nx)
dzw = np.linspace(10.0, 80.0, nz)
temp = np.stack([2.0 + 2.0 * k + 0.05 * np.sin(i + 0.5 * j) + 0 * i * j, 1.0 + 2.0 * k + 0 * i * j], axis=-1)
salt = np.stack([35.0 + 0.01 * np.cos(0.7 * i - j) - 0.02 * k, 35.0 + 0.01 * k + 0 * i * j], axis=-1)
K_iso = 1000.0 + 0.0 * maskU
Ai_ez, sumz = isoneutral_slopes(maskU, dxu, dzw, temp, salt, K_iso)
print(Ai_ez.shape, sumz.shape)
print(np.round(Ai_ez[2:-2, 2:-2, :, 0, 1].sum(axis=(0, 1)), 9))
print(np.round(1e6 * Ai_ez[5, 3, :, :, :], 4))
print(f"max |Ai_ez| = {np.abs(Ai_ez).max():.6e}, sumz total = {sumz.sum():.4f}")
print(np.count_nonzero(Ai_ez), np.allclose(Ai_ez[:2], 0.0))
