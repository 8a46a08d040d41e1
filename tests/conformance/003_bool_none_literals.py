import numpy as np
t = True
f = False
n = None
print(t, f, n)
print(t and f, t or f, not t)
print(t + t, f * 3)
a = np.array([True, False, True])
print(a, a.dtype)
print(n is None)
