import numpy as np
# A negative window is refused like zero.
x = np.arange(4.0).reshape(2, 2)
print(np.rolling_mad(x, 2))
print(np.rolling_mad(x, -2))
