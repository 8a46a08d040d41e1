import numpy as np
# dot needs a.shape[-1] == b.shape[-2].
a = np.ones((2, 3))
print(np.dot(a, np.ones((3, 2))))
print(np.dot(a, np.ones((2, 3))))
