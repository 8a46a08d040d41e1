import numpy as np
# Negative dimensions are a ValueError.

print(np.random.rand(2, 0).shape)
a = np.random.rand(3, -2)
