import numpy as np
"""Classical RK4 for the Lorenz system, an ensemble of trajectories integrated together."""
SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0


def lorenz(x, y, z, sigma=SIGMA, rho=RHO, beta=BETA):
    return sigma * (y - x), x * (rho - z) - y, x * y - beta * z


def rk4_step(state, dt, rhs=lorenz):
    x, y, z = state
    k1 = rhs(x, y, z)
    k2 = rhs(x + 0.5 * dt * k1[0], y + 0.5 * dt * k1[1], z + 0.5 * dt * k1[2])
    k3 = rhs(x + 0.5 * dt * k2[0], y + 0.5 * dt * k2[1], z + 0.5 * dt * k2[2])
    k4 = rhs(x + dt * k3[0], y + dt * k3[1], z + dt * k3[2])
    x = x + dt / 6.0 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
    y = y + dt / 6.0 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    z = z + dt / 6.0 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2])
    return x, y, z


members = 5
x0 = 1.0 + 1e-3 * np.arange(members)
state = (x0, np.ones(members), np.ones(members))
dt = 0.01
zmax = np.full(members, -np.inf)
for n in range(300):
    state = rk4_step(state, dt)
    zmax = np.maximum(zmax, state[2])
x, y, z = state
print(f"t = {300 * dt:.2f}")
print("x:", np.round(x, 5))
print("z:", np.round(z, 5))
print("zmax:", np.round(zmax, 4))
spread = np.sqrt((x - x.mean()) ** 2 + (y - y.mean()) ** 2 + (z - z.mean()) ** 2)
print(f"ensemble spread {spread.max():.6f}", np.all(spread < 1e3))
fixed = np.sqrt(BETA * (RHO - 1.0))
dx, dy, dz = lorenz(np.array([fixed, -fixed]), np.array([fixed, -fixed]), np.array([RHO - 1.0, RHO - 1.0]))
print(np.allclose(dx, 0.0), np.allclose(dy, 0.0), np.allclose(dz, 0.0), f"{fixed:.6f}")
