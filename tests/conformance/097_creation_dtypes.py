import numpy as np
for dt in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
           np.uint32, np.uint64, np.float32, np.float64):
    a = np.ones(2, dtype=dt)
    print(a.dtype, a)
print(np.zeros(2, dtype=bool))
print(np.arange(3, dtype=np.int16).dtype)
print(np.full(2, 3, dtype=np.uint16))
