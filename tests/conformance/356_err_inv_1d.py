import numpy as np
# inv of a 1-D array.
print(np.linalg.inv(np.eye(2) * 2).dtype)
print(np.linalg.inv(np.eye(2)))
print(np.linalg.inv(np.ones(3)))
