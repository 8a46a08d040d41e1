import numpy as np
a, b = 1, 2
print(a, b)
a, b = b, a
print(a, b)
r, c = np.zeros((3, 5)).shape
print(r, c)
x, y, z = np.array([10, 20, 30])
print(x, y, z)
p, q = np.arange(6).reshape(2, 3)
print(p, q)
(m, n), k = (1, 2), 3
print(m, n, k)
t = (4, 5, 6)
u, v, w = t
print(u + v + w)
