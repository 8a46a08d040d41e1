import numpy as np
n = 11
u = np.zeros(n)
u[n // 2] = 1.0
alpha = 0.25
for step in range(20):
    u[1:-1] += alpha * (u[:-2] - 2 * u[1:-1] + u[2:])
    if step % 5 == 4:
        print(step, u.sum().round(12), u.max().round(6))
print(u.round(4))
