import numpy as np
a = np.arange(3)
print(a)
    b = a + 1
print(b)
