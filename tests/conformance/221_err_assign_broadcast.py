import numpy as np
a = np.zeros(6)
a[1:3] = np.array([1.0, 2.0])
print(a)
a[::2] = 7
print(a)
a[1:3] = np.arange(3)
print(a)
