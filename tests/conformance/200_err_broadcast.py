import numpy as np
a = np.arange(6).reshape(2, 3)
b = np.arange(3)
print(a + b)
c = np.arange(4)
print("before")
d = a + c
print(d)
