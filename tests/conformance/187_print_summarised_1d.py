import numpy as np
a = np.arange(1001)
print(a)
print(np.arange(1000))
print(np.linspace(0, 1, 2000))
print(np.arange(5000, dtype=np.uint8))
print(np.arange(1500) > 700)
