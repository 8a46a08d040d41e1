# simulation.hx — vectorised gravitational N-body with leapfrog time stepping
"""Deterministic initial conditions (points on a perturbed ring), softened gravity,
all pair forces computed with broadcasting, kinetic/potential energy every 20 steps."""

n = 64
G = 1.0
soft = 0.05
dt = 0.002
steps = 200

k = arange(n, dtype=float64)
theta = 2 * pi * k / n
radius = 1.0 + 0.1 * sin(3 * theta)
pos = stack((radius * cos(theta), radius * sin(theta), 0.05 * cos(5 * theta)), axis=1)
vel = stack((-sin(theta), cos(theta), zeros(n)), axis=1) * 0.8
mass = 1.0 / n + 0.0001 * cos(theta) ** 2
print("bodies", pos.shape, "total mass", mass.sum().round(12))

def accelerations(pos):
    d = pos[newaxis, :, :] - pos[:, newaxis, :]          # d[i, j] = pos[j] - pos[i]
    r2 = (d ** 2).sum(axis=-1) + soft ** 2
    inv_r3 = r2 ** -1.5
    return G * (d * (mass[newaxis, :] * inv_r3)[:, :, newaxis]).sum(axis=1)

def energy(pos, vel):
    kinetic = 0.5 * (mass * (vel ** 2).sum(axis=1)).sum()
    d = pos[newaxis, :, :] - pos[:, newaxis, :]
    r = sqrt((d ** 2).sum(axis=-1) + soft ** 2)
    pair = mass[:, newaxis] * mass[newaxis, :] / r
    potential = -0.5 * G * (pair.sum() - (mass ** 2 / soft).sum())
    return kinetic, potential

ke, pe = energy(pos, vel)
e0 = ke + pe
print(f"step   0: kinetic {ke:.8f} potential {pe:.8f} total {e0:.8f}")
acc = accelerations(pos)
for step in range(1, steps + 1):
    vel += 0.5 * dt * acc
    pos += dt * vel
    acc = accelerations(pos)
    vel += 0.5 * dt * acc
    if step % 20 == 0:
        ke, pe = energy(pos, vel)
        drift = (ke + pe - e0) / abs(e0)
        print(f"step {step:3d}: kinetic {ke:.8f} potential {pe:.8f} total {ke + pe:.8f} drift {drift:.2e}")
com = (mass[:, newaxis] * pos).sum(axis=0) / mass.sum()
mom = (mass[:, newaxis] * vel).sum(axis=0)
print(f"centre of mass offset {abs(com).max():.4e}")
print("momentum conserved", (abs(mom) < 1e-12).all(), "speed range", sqrt((vel ** 2).sum(axis=1)).min().round(6), sqrt((vel ** 2).sum(axis=1)).max().round(6))
print("radius range", sqrt((pos ** 2).sum(axis=1)).min().round(6), sqrt((pos ** 2).sum(axis=1)).max().round(6))
