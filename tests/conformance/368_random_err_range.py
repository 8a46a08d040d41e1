import numpy as np
# uniform() with an infinite range is an OverflowError.

print(np.random.uniform(-1e300, 1e300, size=2).shape)
a = np.random.uniform(0.0, np.inf, size=3)
