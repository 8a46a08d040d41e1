import numpy as np
a = np.arange(-3, 4)
print(np.where(a > 0, a, 0))
print(np.where(a > 0, 1.5, -1))
print(np.where(a < 0, -a, a))
b = np.arange(6).reshape(2, 3)
print(np.where(b > 2, b, np.array([10, 20, 30])))
print(np.where(np.array([True, False]), np.array([[1], [2]]), 0))
print(np.where(a > 0, a, 0).dtype, np.where(a > 0, 1.5, a).dtype)
