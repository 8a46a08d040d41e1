import numpy as np
print(np.arange(5, dtype=np.float32) / 2)
print(np.sum(np.arange(5), dtype=np.float32), np.sum(np.arange(5), dtype=np.float32).dtype)
print(np.mean(np.array([1, 2], dtype=np.int8), dtype=np.float32).dtype)
print(np.zeros(3, dtype=np.uint32) - 1)
print(np.linspace(0, 5, 3, dtype=np.int32))
print(np.full((2,), 3.9, dtype=np.int64))
print(np.eye(2, dtype=np.uint8) * 255)
print(np.cumsum(np.ones(3), dtype=np.int32))
