import numpy as np
# solve: b of shape (2, 3) is a stack of 2x3 matrices; 2 rows do not match a (3x3).
a = np.eye(3)
print(np.linalg.solve(a, np.ones(3)))
print(np.linalg.solve(a, np.ones((2, 3))))
