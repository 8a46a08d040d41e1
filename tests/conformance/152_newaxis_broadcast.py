import numpy as np
x = np.arange(4)
y = np.arange(3)
d = x[np.newaxis, :] - y[:, np.newaxis]
print(d)
print(d.shape)
r = np.sqrt(x[:, None] ** 2 + y[None, :] ** 2)
print(r.round(3))
print(np.expand_dims(x, 0) + np.expand_dims(y, 1))
a = np.ones((2, 3))
print((a[:, :, None] * x).shape)
