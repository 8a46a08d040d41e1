import numpy as np
n = 6
a = 4 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
b = np.ones(n)
x = np.zeros(n)
d = np.full(n, 4.0)
for it in range(50):
    x = (b - (a @ x - d * x)) / d
print(x.round(8))
print(np.abs(a @ x - b).max() < 1e-8)
