import numpy as np
a = np.zeros((2, 3))
b = np.ones((1, 3))
print(np.concatenate((a, b)).shape)
c = np.ones((2, 2))
print(np.concatenate((a, c), axis=1).shape)
print(np.concatenate((a, c)).shape)
