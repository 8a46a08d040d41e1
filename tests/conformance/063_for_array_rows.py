import numpy as np
a = np.arange(12).reshape(3, 4)
for row in a:
    print(row, row.sum())
for x in np.array([1.5, 2.5]):
    print(x)
b = np.arange(8).reshape(2, 2, 2)
for plane in b:
    print(plane.shape)
    print(plane)
for v in np.array([True, False]):
    print(v)
