import numpy as np
a = np.array([3, -1, 4, -1, 5, -9, 2, 6])
a[a < 0] = 0
print(a)
b = np.arange(10.0)
b[b > 6] = np.nan
print(b)
c = np.arange(12).reshape(3, 4)
c[c % 2 == 1] = -1
print(c)
d = np.arange(5)
d[d > 1] = np.array([20, 30, 40])
print(d)
