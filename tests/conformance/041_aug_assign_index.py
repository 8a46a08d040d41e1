import numpy as np
a = np.arange(6)
a[2] += 10
print(a)
a[1:4] *= 2
print(a)
a[a > 5] -= 100
print(a)
b = np.ones((3, 3))
b[1, 1] += 5
b[:, 0] /= 2
b[0] **= 2
print(b)
b[..., -1] += np.array([1, 2, 3])
print(b)
