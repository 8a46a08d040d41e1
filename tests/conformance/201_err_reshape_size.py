import numpy as np
a = np.arange(12)
print(a.reshape(3, 4).shape)
print(a.reshape(-1, 6).shape)
b = a.reshape(5, -1)
print(b)
