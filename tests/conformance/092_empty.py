import numpy as np
a = np.empty((3, 4))
print(a.shape, a.dtype)
b = np.empty(5, dtype=np.int16)
print(b.shape, b.dtype, b.size)
c = np.empty((2, 2, 2), dtype=np.float32)
print(c.ndim, c.dtype)
c[...] = 1.5
print(c)
d = np.empty((2, 3), dtype=np.int8)
print(d.shape, d.dtype)
