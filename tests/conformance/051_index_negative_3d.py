import numpy as np
a = np.arange(60).reshape(3, 4, 5)
print(a[-1, -1, -1])
print(a[-2, 1:-1, ::-2])
print(a[:, -1, :])
print(a[..., -1].shape)
print(a[1][2][3])
print(a[::-1, 0, 0])
