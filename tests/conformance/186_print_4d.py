import numpy as np
a = np.arange(16).reshape(2, 2, 2, 2)
print(a)
print(a.shape, a.ndim)
b = np.arange(24.0).reshape(1, 2, 3, 4) - 10
print(b)
