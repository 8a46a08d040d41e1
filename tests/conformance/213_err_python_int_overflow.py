import numpy as np
a = np.array([1], dtype=np.int8)
print(a + 100)
print(a + 127)
print(a + 1000)
