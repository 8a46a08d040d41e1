import numpy as np
f = lambda x, y: x * y
print(f(2, 3))
print(f(np.arange(3), 2))
print(f(4))
