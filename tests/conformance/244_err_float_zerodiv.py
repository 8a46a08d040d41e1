import numpy as np
print(5 / 2)
print(np.array([1.0]) / 0.0)
print(np.float64(1.0) / 0.0)
print(1.0 / 0)
