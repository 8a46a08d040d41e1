import numpy as np
a = np.zeros(3, dtype=np.int8)
a += np.int8(1)
print(a, a.dtype)
a -= np.array([1.5, 2.5, 3.5], dtype=np.float32)
print(a)
