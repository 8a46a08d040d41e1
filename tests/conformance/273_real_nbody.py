import numpy as np
"""Direct-summation N-body with leapfrog steps, broadcasting pairwise differences."""
G = 1.0
SOFTENING = 0.1


def accelerations(pos, mass, softening=SOFTENING):
    """Pairwise gravitational accelerations via (N, 1) - (1, N) broadcasting."""
    dx = pos[np.newaxis, :, 0] - pos[:, np.newaxis, 0]
    dy = pos[np.newaxis, :, 1] - pos[:, np.newaxis, 1]
    dz = pos[np.newaxis, :, 2] - pos[:, np.newaxis, 2]
    inv_r3 = (dx ** 2 + dy ** 2 + dz ** 2 + softening ** 2) ** (-1.5)
    ax = G * (dx * inv_r3) @ mass
    ay = G * (dy * inv_r3) @ mass
    az = G * (dz * inv_r3) @ mass
    return np.stack((ax, ay, az), axis=1)


def energies(pos, vel, mass):
    ke = 0.5 * np.sum(mass[:, None] * vel ** 2)
    d = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt((d ** 2).sum(axis=-1) + SOFTENING ** 2)
    pair = -G * mass[:, None] * mass[None, :] / r
    pe = 0.5 * (pair.sum() - (np.eye(len(mass)) * pair).sum())
    return ke, pe


n = 8
k = np.arange(n)
pos = np.stack((np.cos(2 * np.pi * k / n), np.sin(2 * np.pi * k / n), 0.1 * np.sin(k)), axis=1)
vel = np.stack((-np.sin(2 * np.pi * k / n), np.cos(2 * np.pi * k / n), np.zeros(n)), axis=1) * 0.8
mass = np.full(n, 1.0 / n)
vel -= (mass[:, None] * vel).sum(axis=0) / mass.sum()
ke0, pe0 = energies(pos, vel, mass)
dt = 0.01
acc = accelerations(pos, mass)
for step in range(200):
    vel += 0.5 * dt * acc
    pos += dt * vel
    acc = accelerations(pos, mass)
    vel += 0.5 * dt * acc
ke, pe = energies(pos, vel, mass)
print(f"E0 = {ke0 + pe0:.8f}  E = {ke + pe:.8f}  drift = {abs((ke + pe) / (ke0 + pe0) - 1):.2e}")
print(np.round(pos[:3], 6))
com = (mass[:, None] * pos).sum(axis=0)
print(np.round(com, 10) + 0.0, np.allclose((mass[:, None] * vel).sum(axis=0), 0.0))
