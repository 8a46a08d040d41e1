import numpy as np
a = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
print(np.isnan(a))
print(np.isinf(a))
print(np.isfinite(a))
print(a[np.isfinite(a)])
print(np.isnan(np.array([1, 2])))
print(np.isfinite(np.array([True])))
print(np.where(np.isnan(a), 0.0, a))
