import numpy as np
a = np.arange(4) * 10
i = 0
while True:
    print(i, a[i])
    i += 1
