import numpy as np
a = np.array([5.0, 3.0])
n = 0
while a.max() > 1:
    a = a / 2
    n += 1
print(n, a)
while a < 10:
    a = a * 2
