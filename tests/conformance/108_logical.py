import numpy as np
a = np.array([0, 1, 2, 0])
b = np.array([1, 1, 0, 0])
print(np.logical_and(a, b))
print(np.logical_or(a, b))
print(np.logical_not(a))
print(np.logical_and(a > 0, b > 0))
print(np.logical_or(np.array([0.0, 0.5]), False))
print(np.logical_not(np.array([True, False])))
