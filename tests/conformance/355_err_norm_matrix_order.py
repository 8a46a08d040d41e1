import numpy as np
# matrix norms take only 1, -1, 2, -2, inf, -inf, fro and nuc.
m = np.arange(4.0).reshape(2, 2)
print(np.round(np.linalg.norm(m, 'nuc'), 8))
print(np.linalg.norm(m, 3))
