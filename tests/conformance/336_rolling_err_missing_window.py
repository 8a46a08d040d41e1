import numpy as np
# window is required.
x = np.arange(5)
print(np.rolling_min(x, 5))
print(np.rolling_min(x))
