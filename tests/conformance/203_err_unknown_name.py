import numpy as np
values = np.arange(4)
total = values.sum()
print(total)
print(valeus.mean())
print("unreachable")
