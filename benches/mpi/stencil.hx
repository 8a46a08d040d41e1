# benches/mpi/stencil.hx ROWS COLS STEPS [WARM]: 2-D 5-point heat stencil, in-place
# updates; WARM untimed steps first (default 0), so that the timed steps find the
# buffers of their size in the pool (a distributed step's buffer has ghost rows).
rows = int(argv()[1]); cols = int(argv()[2]); steps = int(argv()[3])
warm = int(argv()[4]) if len(argv()) > 4 else 0
u = zeros((rows, cols), dist="block")
u[rows // 4:3 * rows // 4, cols // 4:3 * cols // 4] = 1.0
for step in range(warm):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
realize(u)
barrier()
t0 = time()
for step in range(steps):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])
realize(u)
barrier()
t = time() - t0
print(f"stencil rows={rows} cols={cols} steps={steps} warm={warm} ranks={nranks()} seconds={t:.4f} Mcells/s={rows * cols * steps / t / 1e6:.1f} sum={float(u.sum())!r}")
