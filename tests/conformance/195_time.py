import numpy as np
import time
t0 = time.time()
p0 = time.perf_counter()
a = np.arange(100000.0)
s = (a * a).sum()
t1 = time.time()
p1 = time.perf_counter()
print(s)
print(t1 >= t0, p1 >= p0)
elapsed = p1 - p0
print(elapsed >= 0.0, elapsed < 3600)
print(f"{a.size} elements")
