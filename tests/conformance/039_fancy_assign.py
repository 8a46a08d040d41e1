import numpy as np
a = np.zeros(8, dtype=np.int32)
a[np.array([1, 3, 5])] = 7
print(a)
a[np.array([0, 2])] = np.array([10, 20])
print(a)
a[np.array([1, 1, 1])] += 1
print(a)
b = np.zeros((3, 3))
b[np.array([0, 1, 2]), np.array([2, 1, 0])] = 1
print(b)
