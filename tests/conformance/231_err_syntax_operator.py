import numpy as np
print("start")
a = np.arange(4)
b = a * * 2
print(b)
