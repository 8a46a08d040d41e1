import numpy as np
a = np.arange(4, dtype=np.int32)
a += 1
print(a, a.dtype)
a *= 3
print(a, a.dtype)
f = np.ones(3, dtype=np.float32)
f += 0.5
print(f, f.dtype)
f += np.arange(3)
print(f, f.dtype)
u = np.array([250, 5], dtype=np.uint8)
u += 10
print(u)
g = np.zeros(2)
g += np.array([1, 2], dtype=np.int8)
print(g, g.dtype)
b = np.zeros(3, dtype=np.int64)
b[1:] = np.array([1.9, -2.9])
print(b)
