# test: zeros, the boundary row, each of 5 stencil steps and the sum are one kernel each, and reads only old values (aliasing-safe)
# kernels: 8
# expect-stdout:
# | 55.720220000000
# | [[0.34342 0.34342 0.34342]
# |  [0.06652 0.06652 0.06652]
# |  [0.00727 0.00727 0.00727]]
n = 40
u = zeros((n, n))
u[0, :] = 1.0
for step in range(5):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
print(f"{sum(u):.12f}")
print(u[1:4, 18:21])
