import numpy as np
m = np.array([True, False])
print(~m)
print(np.logical_not(m))
print(-m.astype(np.int8))
print(-m)
