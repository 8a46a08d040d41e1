import numpy as np
a = np.arange(5)
m = a > 2
print(a[m])
m2 = np.array([True, False, True])
print(a[m2])
