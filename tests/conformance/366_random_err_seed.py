import numpy as np
# Seeds must lie in [0, 2**32).

np.random.seed(0)
np.random.seed(4294967295)
print("seeded")
np.random.seed(-1)
