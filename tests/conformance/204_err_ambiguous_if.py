import numpy as np
a = np.array([1, 2, 3])
if a.sum() > 3:
    print("scalar condition is fine")
if a[0]:
    print("single element is fine")
if a > 1:
    print("unreachable")
