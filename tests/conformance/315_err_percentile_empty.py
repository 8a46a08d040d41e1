import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
print(np.percentile(np.zeros((0, 3)), 50, axis=1))
print(np.percentile(np.array([]), 50))
