import numpy as np
e = np.zeros(0)
print(e.sum(), e.size)
print(np.zeros((0, 3)).max(axis=1))
print(e.max())
