import numpy as np
a = np.arange(5)
print(a[4], a[-5])
b = np.zeros((2, 3))
print(b[1, 2])
print(b[2, 0])
print("unreachable")
