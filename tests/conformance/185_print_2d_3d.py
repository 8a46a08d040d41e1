import numpy as np
print(np.arange(6).reshape(2, 3))
print(np.arange(24).reshape(2, 3, 4))
print(np.arange(8.0).reshape(2, 2, 2) / 3)
print(np.zeros((2, 1, 2)))
print(np.ones((1, 1, 1)))
print(np.arange(4).reshape(4, 1))
