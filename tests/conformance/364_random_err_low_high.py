import numpy as np
# randint with an empty range is a ValueError.

np.random.seed(1)
print(np.random.randint(3, 4, size=2))
x = np.random.randint(5, 3, size=2)
print(x)
