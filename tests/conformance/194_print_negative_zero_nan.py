import numpy as np
print(np.array([-0.0, 0.0, 1.0]))
print(np.array([np.nan, 1.5, -np.inf]))
print(np.array([[np.nan, 1.0], [2.0, np.inf]]))
print(np.float64(-0.0), np.float64(np.nan))
print(np.array([-1e-20, 1.0]))
print(np.array([np.nan], dtype=np.float32))
print(-np.zeros(2))
