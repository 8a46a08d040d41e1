import numpy as np
a = np.arange(6).reshape(2, 3)
print(np.flip(a))
print(np.flip(a, axis=0))
print(np.flip(a, axis=1))
print(np.flip(a, axis=-1))
print(np.flip(np.arange(5)))
b = np.arange(8).reshape(2, 2, 2)
print(np.flip(b, axis=(0, 2)))
