import numpy as np
a = np.arange(3)
b = np.arange(3, 6)
print(np.stack((a, b)))
c = np.arange(4)
print(np.stack((a, c)))
