import numpy as np
a = np.array([[3, 1], [2, 0]])
a.sort(axis=0)
print(a)
a.sort(axis=-3)
