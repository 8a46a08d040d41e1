import numpy as np
a = np.arange(4)
a += 2
print(a)
a *= np.int32(3)
print(a)
a += 0.5
print(a)
