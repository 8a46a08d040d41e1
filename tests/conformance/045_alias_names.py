import numpy as np
a = np.arange(4)
b = a
b += 1
print(a)
a[0] = 100
print(b)
c = a.copy()
c[1] = -5
print(a)
print(c)
b = b + 1
print(a)
print(b)
