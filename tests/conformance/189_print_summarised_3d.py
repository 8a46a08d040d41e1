import numpy as np
b = np.arange(1000).reshape(10, 10, 10)
print(b[0, 0])
print(b.size)
a = np.arange(3000).reshape(10, 10, 30)
print(a)
