import numpy as np
n = 12
u = np.zeros((n, n))
u[n // 4:3 * n // 4, n // 4:3 * n // 4] = 1.0
for step in range(10):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
                            - 4 * u[1:-1, 1:-1])
print("total heat", np.sum(u), "max", u.max())
print(u[n // 2].round(3))
