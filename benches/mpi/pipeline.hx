# benches/mpi/pipeline.hx N REPS: the linspace pipeline (generator, transcendental map, sum).
n = int(argv()[1]); reps = int(argv()[2])
barrier()
t0 = time()
s = 0.0
for r in range(reps):
    x = linspace(0.0, 10.0, n)
    y = sin(x) * exp(-x / 5.0) + sqrt(x)
    s = s + float(y.sum())
barrier()
t = time() - t0
print(f"pipeline n={n} reps={reps} ranks={nranks()} seconds={t:.4f} Melem/s={n * reps / t / 1e6:.1f} s={s!r}")
