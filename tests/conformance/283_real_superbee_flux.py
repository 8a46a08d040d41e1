import numpy as np
"""Superbee-limited advective fluxes on a 3-D grid (after pyhpc's turbulent kinetic energy kernel)."""


def adv_flux_superbee(var, u, v, maskW, dxt, dyt, cost, dt_tracer):
    def limiter(cr):
        return np.maximum(0.0, np.maximum(np.minimum(1.0, 2 * cr), np.minimum(2.0, cr)))

    def calc_cr(rjp, rj, rjm, vel):
        return np.where(vel > 0.0, rjm, rjp) / np.where(np.abs(rj) < 1e-20, 1e-20, rj)

    adv_fe = np.zeros_like(var)
    adv_fn = np.zeros_like(var)
    maskUtr = np.zeros_like(maskW)
    maskUtr[:-1, :, :] = maskW[1:, :, :] * maskW[:-1, :, :]
    rjp = (var[3:, 2:-2, :] - var[2:-1, 2:-2, :]) * maskUtr[2:-1, 2:-2, :]
    rj = (var[2:-1, 2:-2, :] - var[1:-2, 2:-2, :]) * maskUtr[1:-2, 2:-2, :]
    rjm = (var[1:-2, 2:-2, :] - var[:-3, 2:-2, :]) * maskUtr[:-3, 2:-2, :]
    uCFL = np.abs(u[1:-2, 2:-2, :] * dt_tracer / (cost[np.newaxis, 2:-2, np.newaxis] * dxt[1:-2, np.newaxis, np.newaxis]))
    cr = limiter(calc_cr(rjp, rj, rjm, u[1:-2, 2:-2, :]))
    adv_fe[1:-2, 2:-2, :] = u[1:-2, 2:-2, :] * (var[2:-1, 2:-2, :] + var[1:-2, 2:-2, :]) * 0.5 \
        - np.abs(u[1:-2, 2:-2, :]) * ((1.0 - cr) + uCFL * cr) * rj * 0.5

    maskVtr = np.zeros_like(maskW)
    maskVtr[:, :-1, :] = maskW[:, 1:, :] * maskW[:, :-1, :]
    rjp = (var[2:-2, 3:, :] - var[2:-2, 2:-1, :]) * maskVtr[2:-2, 2:-1, :]
    rj = (var[2:-2, 2:-1, :] - var[2:-2, 1:-2, :]) * maskVtr[2:-2, 1:-2, :]
    rjm = (var[2:-2, 1:-2, :] - var[2:-2, :-3, :]) * maskVtr[2:-2, :-3, :]
    vCFL = np.abs(v[2:-2, 1:-2, :] * dt_tracer / dyt[np.newaxis, 1:-2, np.newaxis])
    cr = limiter(calc_cr(rjp, rj, rjm, v[2:-2, 1:-2, :]))
    adv_fn[2:-2, 1:-2, :] = v[2:-2, 1:-2, :] * (var[2:-2, 2:-1, :] + var[2:-2, 1:-2, :]) * 0.5 \
        - np.abs(v[2:-2, 1:-2, :]) * ((1.0 - vCFL) * cr + vCFL) * rj * 0.5
    return adv_fe, adv_fn


nx, ny, nz = 14, 12, 4
i = np.arange(nx)[:, None, None]
j = np.arange(ny)[None, :, None]
k = np.arange(nz)[None, None, :]
var = np.exp(-((i - 6.0) ** 2 + (j - 5.0) ** 2) / 8.0) * (1.0 + 0.1 * k)
u = 0.3 * np.cos(0.3 * j) + 0.0 * i * k
v = -0.2 * np.sin(0.4 * i) + 0.0 * j * k
maskW = np.where((i == 0) | (j == ny - 1), 0.0, 1.0) + 0.0 * k
dxt = np.full(nx, 2.0e3)
dyt = np.full(ny, 2.5e3)
cost = np.cos(np.linspace(0.1, 0.5, ny))
fe, fn = adv_flux_superbee(var, u, v, maskW, dxt, dyt, cost, dt_tracer=3600.0)
print(fe.shape, fn.shape)
print(np.round(fe[3:10, 5, 0], 6))
print(np.round(fn[6, 2:10, 1], 6))
tendency = np.zeros_like(var)
tendency[2:-2, 2:-2, :] = -(fe[2:-2, 2:-2, :] - fe[1:-3, 2:-2, :]) / dxt[2:-2, None, None] \
    - (fn[2:-2, 2:-2, :] - fn[2:-2, 1:-3, :]) / dyt[None, 2:-2, None]
print(f"max |tendency| {np.abs(tendency).max():.6e}, sum {tendency.sum():.6e}")
