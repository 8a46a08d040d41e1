import numpy as np
for dt in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
           np.uint32, np.uint64, np.float32, np.float64):
    print(np.zeros(1, dtype=dt).dtype)
print(np.dtype(np.float32))
print(np.zeros(2, dtype=np.float32).dtype == np.float32)
print(np.array([1, 2]).dtype, np.array([1.0]).dtype, np.array([True]).dtype)
