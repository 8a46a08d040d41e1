import numpy as np
a = np.arange(4)
print(a)
for x in a
    print(x)
