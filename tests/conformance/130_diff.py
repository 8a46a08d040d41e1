import numpy as np
a = np.array([1, 4, 9, 16, 25])
print(np.diff(a))
print(np.diff(a, n=2))
print(np.diff(a, 3))
b = np.arange(12).reshape(3, 4) ** 2
print(np.diff(b))
print(np.diff(b, axis=0))
print(np.diff(np.array([1.5, 0.5, 3.0])))
print(np.diff(np.array([5], dtype=np.uint8)).shape)
print(np.diff(np.array([1, 0], dtype=np.uint8)))
