import numpy as np
"""Solve Laplace's equation on a plate by Jacobi iteration until converged."""


def set_boundaries(u, top=100.0, left=0.0, right=50.0, bottom=25.0):
    u[0, :] = top
    u[-1, :] = bottom
    u[:, 0] = left
    u[:, -1] = right
    return u


def jacobi(u, tol=1e-4, max_iter=5000):
    """Iterate until the largest update falls below tol; returns (u, iterations, err)."""
    err = tol + 1.0
    it = 0
    while err > tol and it < max_iter:
        new = u.copy()
        new[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])
        err = np.max(np.abs(new - u))
        u = new
        it += 1
    return u, it, err


n = 24
u0 = set_boundaries(np.zeros((n, n)))
u, iterations, err = jacobi(u0, tol=1e-3)
print(f"converged after {iterations} iterations, err = {err:.3e}")
print(np.round(u[::5, ::5], 3))
centre = u[n // 2, n // 2]
print(f"centre temperature {centre:8.4f}")
print(err <= 1e-3, iterations < 5000, u0[0, 0], u[0, 0])
residual = u[1:-1, 1:-1] - 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])
print(f"max residual {np.abs(residual).max():.3e}")
