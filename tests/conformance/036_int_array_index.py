import numpy as np
a = np.arange(10) * 10
idx = np.array([0, 2, 4, -1])
print(a[idx])
print(a[np.array([3, 3, 3])])
print(a[[1, 5]])
b = np.arange(12).reshape(3, 4)
print(b[np.array([2, 0])])
print(b[np.array([0, 2]), np.array([1, 3])])
print(b[:, np.array([3, 0])])
i2 = np.array([[0, 1], [1, 2]])
print(a[i2])
print(a[i2].shape)
