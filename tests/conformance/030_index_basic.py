import numpy as np
a = np.arange(10) * 10
print(a[0], a[3], a[-1], a[-3])
b = np.arange(12).reshape(3, 4)
print(b[1])
print(b[1, 2])
print(b[-1, -1])
print(b[2][3])
print(b[0].shape)
print(b[1, 2].dtype)
c = np.arange(24).reshape(2, 3, 4)
print(c[1, 2, 3], c[-1, 0])
