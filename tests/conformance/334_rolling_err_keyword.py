import numpy as np
# Only rolling_var and rolling_std take ddof.
x = np.arange(6.0)
print(np.rolling_std(x, 3, ddof=1))
print(np.rolling_mean(x, 3, ddof=1))
