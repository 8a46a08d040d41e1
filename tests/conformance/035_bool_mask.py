import numpy as np
a = np.array([3, -1, 4, -1, 5, -9, 2, 6])
print(a[a > 0])
print(a[a < 0])
m = a % 2 == 0
print(m)
print(a[m])
print(a[(a > 0) & (a < 5)])
print(a[~m])
print(a[a > 100])
print(a[a > 100].shape)
b = np.arange(12).reshape(3, 4)
print(b[b % 3 == 0])
print(b[np.array([True, False, True])])
