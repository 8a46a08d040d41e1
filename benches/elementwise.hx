# Elementwise throughput of the reference backend: a*b + c*d over 10M float64 values.
n = 10_000_000
a = linspace(0.0, 1.0, n)
b = a * 0.5 + 1.0
c = a * 0.25
d = a - 2.0
realize(a, b, c, d)
times = zeros(5)
for rep in range(5):
    t0 = time()
    r = a * b + c * d
    realize(r)
    times[rep] = time() - t0
# Median of the five timings without sorting: the one with two smaller and two larger.
median = 0.0
for i in range(5):
    below = count_nonzero(times < times[i])
    above = count_nonzero(times > times[i])
    if below <= 2 and above <= 2:
        median = float(times[i])
print(f"hpxl interp  a*b + c*d, n={n}: median {median * 1000:.1f} ms")
print("check", float(r.sum()))
