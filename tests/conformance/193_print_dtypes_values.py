import numpy as np
for dt in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
    print(np.array([0, 1, 100], dtype=dt))
print(np.array([1.25, -2.5], dtype=np.float32))
print(np.array([1.25, -2.5], dtype=np.float64))
print(np.array([-1, 1], dtype=np.int8) * 100)
print(np.array([3.0], dtype=np.float32) / 7, np.array([3.0]) / 7)
