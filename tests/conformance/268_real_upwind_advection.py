import numpy as np
"""First-order upwind and Lax-Wendroff advection of a tracer in a periodic channel."""


def upwind_flux(q, vel):
    """Face fluxes at i+1/2, choosing the upstream cell with a mask."""
    q_east = np.roll(q, -1, axis=-1)
    return np.where(vel > 0, vel * q, vel * q_east)


def lax_wendroff_flux(q, vel, courant):
    q_east = np.roll(q, -1, axis=-1)
    return vel * 0.5 * (q + q_east) - 0.5 * vel * courant * (q_east - q)


def advect(q, vel, dx, dt, nsteps, scheme="upwind"):
    courant = vel * dt / dx
    for _ in range(nsteps):
        if scheme == "upwind":
            flux = upwind_flux(q, vel)
        else:
            flux = lax_wendroff_flux(q, vel, courant)
        q = q - dt / dx * (flux - np.roll(flux, 1, axis=-1))
    return q


nx = 40
x = np.linspace(0.0, 1.0, nx, endpoint=False)
dx = x[1] - x[0]
q0 = np.where((x > 0.2) & (x < 0.4), 1.0, 0.0) + 0.5 * np.exp(-((x - 0.7) / 0.05) ** 2)
vel = np.stack([np.full(nx, 0.5), np.full(nx, -0.5)])
q2 = np.stack([q0, q0])
for scheme in ("upwind", "lax-wendroff"):
    q = advect(q2, vel, dx, 0.02, 25, scheme=scheme)
    total = q.sum(axis=1) * dx
    print(f"{scheme:>13}: mass {total[0]:.10f} {total[1]:.10f}, range [{q.min():.4f}, {q.max():.4f}]")
    print(np.round(q[0, ::4], 4))
    print(np.round(q[1, ::4], 4))
print(f"{q0.sum() * dx:.10f}", np.allclose(advect(q0, 0.5, dx, 0.05, 20), np.roll(q0, 20)))
