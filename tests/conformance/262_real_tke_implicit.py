import numpy as np
"""Vertical mixing of turbulent kinetic energy with an implicit tridiagonal solve."""


def solve_tridiag(a, b, c, d):
    """
    Solves a tridiagonal matrix system with diagonals a, b, c and RHS vector d.
    """
    assert a.shape == b.shape and a.shape == c.shape and a.shape == d.shape
    n = a.shape[-1]
    for i in range(1, n):
        w = a[..., i] / b[..., i - 1]
        b[..., i] += -w * c[..., i - 1]
        d[..., i] += -w * d[..., i - 1]
    out = np.empty_like(a)
    out[..., -1] = d[..., -1] / b[..., -1]
    for i in range(n - 2, -1, -1):
        out[..., i] = (d[..., i] - c[..., i] * out[..., i + 1]) / b[..., i]
    return out


def integrate_tke(tke, kappaM, dzt, dzw, dt_tke=600.0, alpha_tke=30.0, tau=0, taup1=1):
    """One implicit step of vertical TKE diffusion on the inner columns."""
    nz = tke.shape[2]
    ks = np.zeros(tke.shape[:2], dtype=np.int64)
    delta = np.zeros(tke.shape[:3])
    delta[:, :, :-1] = dt_tke / dzt[np.newaxis, np.newaxis, 1:] * alpha_tke * 0.5 \
        * (kappaM[:, :, :-1] + kappaM[:, :, 1:])
    a_tri = np.zeros_like(delta)
    b_tri = np.ones_like(delta)
    c_tri = np.zeros_like(delta)
    a_tri[:, :, 1:-1] = -delta[:, :, :-2] / dzw[np.newaxis, np.newaxis, 1:-1]
    a_tri[:, :, -1] = -delta[:, :, -2] / (0.5 * dzw[-1])
    b_tri[:, :, 1:-1] = 1 + (delta[:, :, 1:-1] + delta[:, :, :-2]) / dzw[np.newaxis, np.newaxis, 1:-1]
    b_tri[:, :, -1] = 1 + delta[:, :, -2] / (0.5 * dzw[-1])
    b_tri[:, :, 0] = 1 + delta[:, :, 0] / dzw[0]
    c_tri[:, :, :-1] = -delta[:, :, :-1] / dzw[np.newaxis, np.newaxis, :-1]
    d_tri = tke[:, :, :, tau].copy()
    d_tri[:, :, -1] += dt_tke * 1e-4 / (0.5 * dzw[-1])
    sol = solve_tridiag(a_tri[2:-2, 2:-2], b_tri[2:-2, 2:-2], c_tri[2:-2, 2:-2], d_tri[2:-2, 2:-2])
    tke[2:-2, 2:-2, :, taup1] = np.where(ks[2:-2, 2:-2, np.newaxis] >= 0, sol, tke[2:-2, 2:-2, :, taup1])
    return tke, nz


nx, ny, nz = 9, 8, 6
z = np.linspace(0.0, 1.0, nz)
x = np.linspace(0.0, np.pi, nx)[:, None, None]
tke = np.zeros((nx, ny, nz, 3))
tke[..., 0] = 1e-4 * (1.0 + np.sin(x) * np.cos(z)[None, None, :]) + 0.0 * np.arange(ny)[None, :, None]
kappaM = 1e-3 + 1e-3 * z[None, None, :] * np.ones((nx, ny, nz))
dzt = np.full(nz, 10.0)
dzw = np.linspace(8.0, 12.0, nz)
tke, levels = integrate_tke(tke, kappaM, dzt, dzw)
print(levels, tke.shape)
print(np.round(tke[4, 4, :, 1] * 1e4, 8))
print(np.round(tke[2:-2, 3, -1, 1] * 1e4, 8))
print(f"untouched boundary: {np.abs(tke[:2, :, :, 1]).max():.1f}, total: {tke[..., 1].sum() * 1e4:.6f}")
