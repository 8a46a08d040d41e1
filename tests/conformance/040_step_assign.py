import numpy as np
a = np.zeros(10, dtype=np.int64)
a[::2] = 1
print(a)
a[1::3] = 5
print(a)
a[::-1] = np.arange(10)
print(a)
b = np.zeros((4, 4))
b[::2, 1::2] = 1
b[1::2, ::2] = 2
print(b)
