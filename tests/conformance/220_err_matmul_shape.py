import numpy as np
a = np.ones((2, 3))
b = np.ones((3, 4))
print((a @ b).shape)
print(a @ b.T)
