import numpy as np
u = np.array([-1, 0]).astype(np.uint64)  # hpxl Python ints are 64-bit
print(u, u.dtype)
print(u + 1)
print(u.astype(np.float64))
i = np.array([9223372036854775807, -9223372036854775807 - 1], dtype=np.int64)
print(i)
print(i + 1)
print(np.uint64(5) + 1, (np.uint64(5) + 1).dtype)
print(np.array([3], dtype=np.uint64) - np.array([5], dtype=np.uint64))
print((np.array([1], dtype=np.uint64) + np.array([1], dtype=np.int64)).dtype)
