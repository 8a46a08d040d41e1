import numpy as np
"""Solve Kepler's equation E - e sin E = M for many mean anomalies at once."""
TWO_PI = 2.0 * np.pi


def kepler_solve(M, ecc, tol=1e-12, maxiter=50):
    """Vectorised Newton iteration; stops when the largest correction is below tol."""
    E = np.where(ecc > 0.8, np.pi * np.ones_like(M), M)
    delta = np.ones_like(M)
    n = 0
    while np.max(np.abs(delta)) > tol:
        f = E - ecc * np.sin(E) - M
        fp = 1.0 - ecc * np.cos(E)
        delta = f / fp
        E -= delta
        n += 1
        if n >= maxiter:
            break
    return E, n


def true_anomaly(E, ecc):
    return 2.0 * np.arctan2(np.sqrt(1.0 + ecc) * np.sin(E / 2), np.sqrt(1.0 - ecc) * np.cos(E / 2))


M = np.linspace(0.0, TWO_PI, 9)[:-1]
for ecc in (0.0, 0.3, 0.9):
    E, iters = kepler_solve(M, ecc)
    nu = true_anomaly(E, ecc) % TWO_PI
    r = 1.0 - ecc * np.cos(E)
    print(f"e={ecc:.1f} iterations={iters:2d} max|res|<1e-14: {bool(np.abs(E - ecc * np.sin(E) - M).max() < 1e-14)}")
    print("  E :", np.round(E, 6))
    print("  nu:", np.round(nu, 6))
    print(f"  r range [{r.min():.4f}, {r.max():.4f}]")
