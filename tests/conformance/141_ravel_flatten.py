import numpy as np
a = np.arange(6).reshape(2, 3)
print(a.ravel())
print(np.ravel(a))
print(a.flatten())
print(a.T.ravel())
print(a.T.flatten())
f = a.flatten()
f[0] = 100
print(a[0, 0])
r = a.ravel()
r[0] = 100
print(a[0, 0])
print(np.ravel(np.array(5)).shape)
