import numpy as np
a = np.array([[1.0, 2.0], [2.0, 4.0]])
print(np.linalg.det(a))
x = np.linalg.solve(a, np.array([1.0, 2.0]))
print(x)
