import numpy as np
u = np.array([1, 2], dtype=np.uint8)
print(u + 1)
print(u - 1)
print(u + (-1))
