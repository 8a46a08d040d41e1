import numpy as np
# ddof must be non-negative.
x = np.arange(6.0)
print(np.rolling_var(x, 3, ddof=2))
print(np.rolling_std(x, 3, ddof=-1))
