import numpy as np
# inv of a stack fails when any matrix of it is singular.
s = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]])
print(np.linalg.det(s))
print(np.linalg.inv(s))
