import numpy as np
# Parameters must broadcast to the requested size.

print(np.random.uniform(np.zeros(3), 1.0, size=(2, 3)).shape)
a = np.random.uniform(np.zeros(3), 1.0, size=(3, 1))
