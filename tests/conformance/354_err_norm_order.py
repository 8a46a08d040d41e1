import numpy as np
# 'fro' is a matrix norm: a vector norm refuses it.
x = np.arange(4.0)
print(np.linalg.norm(x, 1))
print(np.linalg.norm(x, 'fro'))
