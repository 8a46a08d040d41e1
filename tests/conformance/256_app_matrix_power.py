import numpy as np
m = np.array([[1, 1], [1, 0]])
r = np.eye(2, dtype=np.int64)
for i in range(10):
    r = r @ m
print(r)
print(r[0, 1])
rot = np.array([[0.0, -1.0], [1.0, 0.0]])
v = np.array([1.0, 0.0])
for k in range(4):
    v = rot @ v
    print(k, v)
