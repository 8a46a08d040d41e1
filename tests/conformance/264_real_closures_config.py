import numpy as np
"""Model setup with nested helpers that read the enclosing function's state."""

GRAVITY = 9.81
RHO0 = 1025.0


def make_grid(nx, ny, lx=1.0e6, ly=5.0e5, stretch=0.0):
    """Return cell centres and widths of a (possibly stretched) grid."""
    def axis_coords(n, length):
        s = np.linspace(0.0, 1.0, n + 1)
        edges = length * (s + stretch * s * (1.0 - s))
        return 0.5 * (edges[1:] + edges[:-1]), np.diff(edges)

    xt, dxt = axis_coords(nx, lx)
    yt, dyt = axis_coords(ny, ly)
    return xt, yt, dxt, dyt


def pressure_model(depth, nz=5, rho_surface=RHO0, drho=2.0):
    """Hydrostatic pressure on nz levels; the helpers close over the arguments."""
    dz = depth / nz

    def density(k):
        return rho_surface + drho * k / nz

    def level_pressure(k):
        p = 0.0
        for m in range(k + 1):
            weight = 0.5 if m == k else 1.0
            p = p + weight * GRAVITY * density(m) * dz
        return p

    return level_pressure(nz - 1), density(0)


xt, yt, dxt, dyt = make_grid(6, 4, stretch=0.5)
print(np.round(xt / 1e3, 3))
print(np.round(dyt / 1e3, 3), np.isclose(dxt.sum(), 1.0e6))
depth = np.array([[100.0, 200.0], [400.0, 4000.0]])
p_bottom, rho_top = pressure_model(depth)
print(np.round(p_bottom / 1e4, 5))
print(rho_top, pressure_model(depth, nz=2, drho=0.0)[0][1, 1] / 1e4)
scale = 2.0


def scaled(a):
    return a * scale


print(scaled(np.arange(3)))
scale = 3.0
print(scaled(np.arange(3)), f"{GRAVITY * RHO0:.2f}")
