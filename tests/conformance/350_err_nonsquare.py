import numpy as np
# det needs square matrices (LinAlgError, a ValueError about dimensions).
a = np.ones((2, 3))
print(a.shape)
print(np.linalg.det(a))
