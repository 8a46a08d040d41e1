# benches/mpi/reduce.hx N REPS: a fused reduction sum(x*x + 1) over a distributed array.
n = int(argv()[1]); reps = int(argv()[2])
x = linspace(0.0, 1.0, n, dist="block")
barrier()
t0 = time()
s = 0.0
for r in range(reps):
    s = s + float((x * x + 1.0).sum())
barrier()
t = time() - t0
print(f"reduce n={n} reps={reps} ranks={nranks()} seconds={t:.4f} Melem/s={n * reps / t / 1e6:.1f} s={s!r}")
