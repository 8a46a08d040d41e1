import numpy as np
a = np.array([1, 0, 2])
ok = a.size > 1 and a[0] == 1
print(ok)
b = np.array([1.0, 2.0])
print(np.logical_and(a > 0, a < 2))
print(a > 0 and a < 2)
