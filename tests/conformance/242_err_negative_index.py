import numpy as np
print(np.arange(3)[-2])
a = np.arange(3)
print(a[-1], a[-3])
print(a[-4])
