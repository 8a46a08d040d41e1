import numpy as np
a = np.array([1.5, 2.5, 3.5])
x = a[1]
print(x, x.dtype)
i = np.array([1, 2, 3], dtype=np.int8)
print(i[0], i[0].dtype)
b = np.array([True, False])
print(b[1])
print(a[np.int64(2)])
k = 1
print(a[k + 1], a[-k])
