import numpy as np
total = 1 + 2 + \
    3 + 4
print(total)
a = np.array([1, 2,
              3, 4,
              5, 6])
print(a)
b = (a
     * 2
     + 1)
print(b)
c = np.zeros((2,
              3))
print(c.shape)
print(len(a))
