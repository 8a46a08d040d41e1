import numpy as np
a = np.zeros(6)
a[0] = 1
a[-1] = 9
print(a)
a[1:4] = 5
print(a)
a[1:4] = np.array([1, 2, 3])
print(a)
b = np.zeros((3, 4), dtype=np.int64)
b[1] = 7
b[:, 2] = np.array([1, 2, 3])
b[2, 3] = -1
print(b)
b[0, :] = np.arange(4)
print(b)
