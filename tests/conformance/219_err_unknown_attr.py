import numpy as np
a = np.arange(4)
print(a.size)
print(a.shape)
print(a.length)
