import numpy as np
print(np.pi)
print(np.e)
print(np.inf, -np.inf)
print(np.nan)
print(np.newaxis is None)
print(np.pi * 2)
print(np.array([np.pi, np.e]))
print(np.inf > 1e308)
