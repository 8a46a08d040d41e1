import numpy as np
a = np.zeros((3, 4), dtype=np.int64)
v = a[1:, 1:3]
v += 5
print(a)
t = a.T
t[0, 2] = 8
print(a)
s = a[::-1, ::-1]
s[0, 0] = 1
print(a)
r = a.ravel()
print(r)
