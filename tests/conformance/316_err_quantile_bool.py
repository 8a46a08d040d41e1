import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
b = np.array([True, False, True])
print(np.quantile(b, 1))
print(np.quantile(b, 0.5))
