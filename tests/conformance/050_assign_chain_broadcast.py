import numpy as np
a = np.zeros((3, 4))
a[:] = np.arange(4)
print(a)
a[:, :] = np.array([[1], [2], [3]])
print(a)
b = np.zeros((2, 3, 4), dtype=np.int32)
b[...] = 7
b[1, ..., 0] = 1
print(b)
b[:, 1] = np.arange(4)
print(b)
