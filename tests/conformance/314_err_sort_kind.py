import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
a = np.array([3, 1, 2])
print(np.sort(a, kind='quick'))
print(np.sort(a, kind='bubble'))
