import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
a = np.ones((2, 3))
print(np.median(a, axis=-2))
print(np.median(a, axis=-3))
