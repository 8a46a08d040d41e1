# NumPy side of benches/elementwise.hx, for a side-by-side ratio.
import time
import numpy as np
n = 10_000_000
a = np.linspace(0.0, 1.0, n)
b = a * 0.5 + 1.0
c = a * 0.25
d = a - 2.0
times = []
for rep in range(5):
    t0 = time.perf_counter()
    r = a * b + c * d
    times.append(time.perf_counter() - t0)
times.sort()
print(f"numpy        a*b + c*d, n={n}: median {times[2] * 1000:.1f} ms")
print("check", float(r.sum()))
