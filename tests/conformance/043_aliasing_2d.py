import numpy as np
a = np.arange(9).reshape(3, 3)
a[1:, :] += a[:-1, :]
print(a)
b = np.arange(9).reshape(3, 3)
b[:, :] = b.T
print(b)
c = np.arange(9).reshape(3, 3)
c[:] = c[::-1]
print(c)
d = np.arange(16.0).reshape(4, 4)
d[1:-1, 1:-1] = 0.25 * (d[:-2, 1:-1] + d[2:, 1:-1] + d[1:-1, :-2] + d[1:-1, 2:])
print(d)
