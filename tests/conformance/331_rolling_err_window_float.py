import numpy as np
# window must be an integer.
x = np.arange(6.0)
print(np.rolling_max(x, 2))
print(np.rolling_max(x, 2.5))
