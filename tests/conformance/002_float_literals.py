import numpy as np
print(1.5, .5, 1e-3, 2., 1E3, 3.25e+2)
a = np.array([1.5, .5, 1e-3, 2.])
print(a)
print(a.dtype)
print(0.1 + 0.2)
print(1e300 * 10)
print(2.5e-8)
