import numpy as np
print(7 % 3, -7 % 3)
print(np.array([7]) % 0)
print(1.0 % 2)
n = 5
print(n % (n - 5))
