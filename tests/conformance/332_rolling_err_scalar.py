import numpy as np
# A 0-d array has no axis to roll over.
x = np.arange(6.0)
print(np.rolling_median(x[1:], 2))
print(np.rolling_median(x[2], 1))
