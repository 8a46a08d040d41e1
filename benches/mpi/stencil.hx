# benches/mpi/stencil.hx ROWS COLS STEPS: 2-D 5-point heat stencil, in-place updates.
rows = int(argv()[1]); cols = int(argv()[2]); steps = int(argv()[3])
u = zeros((rows, cols), dist="block")
u[rows // 4:3 * rows // 4, cols // 4:3 * cols // 4] = 1.0
realize(u)
barrier()
t0 = time()
for step in range(steps):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
realize(u)
barrier()
t = time() - t0
print(f"stencil rows={rows} cols={cols} steps={steps} ranks={nranks()} seconds={t:.4f} Mcells/s={rows * cols * steps / t / 1e6:.1f} sum={float(u.sum())!r}")
