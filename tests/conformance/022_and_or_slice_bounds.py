import numpy as np
a = np.arange(10)
for k in range(1, 4):
    print(k, a[k:-1 + k or None])
for k in range(1, 4):
    print(k, a[:-k or None], a[-k:])
b = np.arange(20).reshape(4, 5)
k = 1
print(b[1:-1 + k or None, k:])
