import numpy as np
"""Potential flow past a cylinder on a meshgrid: velocity, pressure coefficient, vorticity."""
U_INF = 1.0
R = 0.5


def velocity(X, Y, u_inf=U_INF, radius=R):
    r2 = X ** 2 + Y ** 2
    inside = r2 < radius ** 2
    r2 = np.where(inside, 1.0, r2)
    u = u_inf * (1.0 - radius ** 2 * (X ** 2 - Y ** 2) / r2 ** 2)
    v = -u_inf * radius ** 2 * 2.0 * X * Y / r2 ** 2
    return np.where(inside, 0.0, u), np.where(inside, 0.0, v), inside


x = np.linspace(-2.0, 2.0, 21)
y = np.linspace(-1.0, 1.0, 11)
X, Y = np.meshgrid(x, y)
print(X.shape, Y.shape, X[0, :3], Y[:3, 0])
u, v, inside = velocity(X, Y)
cp = 1.0 - (u ** 2 + v ** 2) / U_INF ** 2
print(f"{inside.sum()} points inside, max speed {np.sqrt(u ** 2 + v ** 2).max():.6f}")
print(np.round(cp[5, ::2], 4))
dx, dy = x[1] - x[0], y[1] - y[0]
vort = np.zeros_like(u)
vort[1:-1, 1:-1] = (v[1:-1, 2:] - v[1:-1, :-2]) / (2 * dx) - (u[2:, 1:-1] - u[:-2, 1:-1]) / (2 * dy)
far = ~inside & (X ** 2 + Y ** 2 > 1.0)
print(f"max |vorticity| away from the body {np.abs(vort[far]).max():.4f}")
theta = np.linspace(0.0, np.pi, 7)
cp_surface = 1.0 - 4.0 * np.sin(theta) ** 2
print(np.round(cp_surface, 4))
profile = np.concatenate([u[:, 0], [U_INF], u[:, -1][::-1]])
print(profile.shape, np.round(profile[:4], 6))
XI, YI = np.meshgrid(x[:3], y[:2], indexing="ij")
print(XI, YI, sep="\n")
print(hex(int(inside.sum())), bin(int(far.sum())))
