import numpy as np
print(np.array([1, 2, 3]) / 2)
print((np.array([1, 2], dtype=np.int8) / np.array([3], dtype=np.int8)).dtype)
print((np.array([1], dtype=np.float32) / 3).dtype)
print(np.array([1, 2], dtype=np.int16) / np.array([4.0], dtype=np.float32))
print(7 / 2, np.int64(7) / 2)
print(np.array([0]) / np.array([0]))
print(np.array([True]) / np.array([True]))
