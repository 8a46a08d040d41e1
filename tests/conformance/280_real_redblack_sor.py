import numpy as np
"""Red-black successive over-relaxation for a 2-D Poisson problem, -lap(u) = f."""


def poisson_sor(f, h, omega=1.8, tol=1e-8, max_sweeps=2000):
    n = f.shape[0]
    u = np.zeros_like(f)
    i = np.arange(n)[:, np.newaxis]
    j = np.arange(n)[np.newaxis, :]
    interior = (i > 0) & (i < n - 1) & (j > 0) & (j < n - 1)
    red = interior & ((i + j) % 2 == 0)
    black = interior & ((i + j) % 2 == 1)
    sweeps = 0
    change = 1.0
    while change > tol:
        u_prev = u.copy()
        for colour in (red, black):
            nb = np.zeros_like(u)
            nb[1:-1, 1:-1] = u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
            gs = 0.25 * (nb + h * h * f)
            u = np.where(colour, (1 - omega) * u + omega * gs, u)
        change = np.abs(u - u_prev).max()
        sweeps += 1
        if sweeps >= max_sweeps:
            break
    return u, sweeps


n = 17
h = 1.0 / (n - 1)
x = np.linspace(0.0, 1.0, n)
X, Y = x[:, None] * np.ones(n), np.ones(n)[:, None] * x
exact = np.sin(np.pi * X) * np.sin(np.pi * Y)
f = 2 * np.pi ** 2 * exact
for omega in (1.0, 1.5, 1.8):
    u, sweeps = poisson_sor(f, h, omega=omega)
    err = np.abs(u - exact).max()
    print(f"omega={omega:.1f}: {sweeps:4d} sweeps, max error {err:.6e}")
print(np.round(u[n // 2, ::4], 6))
print(np.allclose(u, u.T), np.allclose(u, u[::-1, :]))
