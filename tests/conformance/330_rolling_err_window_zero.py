import numpy as np
# window must be at least 1.
x = np.arange(6.0)
print(np.rolling_sum(x, 1))
print(np.rolling_mean(x, 0))
