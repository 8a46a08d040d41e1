import numpy as np
a = np.array([[0, 1, 0], [2, 0, 4]])
print(np.count_nonzero(a))
print(np.count_nonzero(a, axis=0))
print(np.count_nonzero(a, axis=1))
print(np.count_nonzero(a > 1))
print(np.count_nonzero(np.array([0.0, -0.0, np.nan])))
print(np.count_nonzero(a, axis=1, keepdims=True))
