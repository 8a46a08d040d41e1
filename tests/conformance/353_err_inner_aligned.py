import numpy as np
# inner needs equal last axes; NumPy reports the shapes of dot(a, swapaxes(b)).
print(np.inner(np.ones(3), np.ones(3)))
print(np.inner(np.ones((2, 3)), np.ones((4, 3))).shape)
print(np.inner(np.ones((2, 3)), np.ones((5, 3, 4))))
