import numpy as np
x, y = (1, 2)
print(x, y)
r, c = np.zeros((4, 5)).shape
print(r, c)
p, q = np.zeros((2, 3, 4)).shape
print(p, q)
