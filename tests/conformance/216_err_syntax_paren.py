import numpy as np
a = np.arange(3)
print(a)
b = np.sum(a, axis=0
print(b)
