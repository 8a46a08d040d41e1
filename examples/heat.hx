# heat.hx — explicit 2-D heat diffusion
n = 400
u = zeros((n, n))
u[n//4:3*n//4, n//4:3*n//4] = 1.0
print("grid", u.shape, u.dtype, "initial heat", sum(u))
for step in range(100):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
                            - 4 * u[1:-1, 1:-1])
    if step % 25 == 24:
        print(f"step {step + 1:3d}: max {u.max():.6f}, centre {u[n//2, n//2]:.6f}")
print("total heat", sum(u), "max", u.max())
print("edge row sum", u[n//4 - 1].sum().round(9), "hot cells", count_nonzero(u > 0.5))
