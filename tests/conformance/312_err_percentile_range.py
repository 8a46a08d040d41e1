import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
a = np.array([1.0, 2.0, 3.0])
print(np.percentile(a, 100))
print(np.percentile(a, [50, 101]))
