import numpy as np
# normal() with a negative scale is a ValueError (even for an empty size).

print(np.random.normal(0.0, 0.0, size=2))
print(np.random.normal(1.0, 2.0, size=(2, 3)).shape)
z = np.random.normal(0.0, -1.0, size=0)
