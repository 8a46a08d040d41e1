import numpy as np
a = np.arange(5)
s = a.sum()
print(s)
print(s + 1, s * 2.5)
m = a.mean()
print(m, m / 3)
x = np.float32(1) / 3
print(x)
print(np.float32(2.5) * 2)
print(np.int8(100) + np.int8(27))
print(np.max(a) - np.min(a))
print(np.sqrt(2.0), np.sqrt(np.float32(2.0)))
print(a.std(), np.float64(a.std()) ** 2)
