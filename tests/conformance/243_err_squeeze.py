import numpy as np
print(np.squeeze(np.zeros((1, 1))).shape)
a = np.zeros((1, 3))
print(np.squeeze(a, axis=0).shape)
print(np.squeeze(a, axis=1).shape)
