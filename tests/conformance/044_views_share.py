import numpy as np
a = np.arange(5)
b = a[1:3]
a[1] = 9
print(b)
b[0] = -1
print(a)
c = a[::2]
c += 100
print(a)
d = a.reshape(5, 1)
d[4, 0] = 44
print(a)
e = a.T
print(e)
