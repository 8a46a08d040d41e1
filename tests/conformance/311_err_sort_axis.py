import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
a = np.arange(6).reshape(2, 3)
print(np.sort(a, axis=1))
print(np.sort(a, axis=2))
