import numpy as np
a = np.arange(6).reshape(2, 3)
row = a[0]
row[:] = 0
print(a)
col = a[:, 1].copy()
col[0] = 99
print(a)
print(col)
m = a[a > 2]
m[0] = -1
print(a)
f = a[np.array([1])]
f[0, 0] = 77
print(a)
