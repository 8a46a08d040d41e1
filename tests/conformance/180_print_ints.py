import numpy as np
print(np.array([1, 22, 333, -4444]))
print(np.arange(20))
print(np.arange(40) * 1000)
print(np.array([[1, -2], [300, 4]]))
print(np.array([0]))
print(np.array([], dtype=np.int64))
print(np.array([[]]).shape, np.array([[]]))
print(np.arange(3, dtype=np.uint8), np.array([-5], dtype=np.int16))
