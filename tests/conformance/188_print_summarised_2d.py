import numpy as np
a = np.arange(2000).reshape(40, 50)
print(a)
b = np.arange(1200.0).reshape(600, 2) / 7
print(b)
c = np.zeros((3, 500))
print(c)
