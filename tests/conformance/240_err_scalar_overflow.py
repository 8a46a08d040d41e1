import numpy as np
print(np.int8(127) + np.int8(1))
x = np.int8(5)
print(x + 100)
print(x + 1000)
