import numpy as np
def newton_sqrt(a, iters=6):
    x = np.ones_like(a)
    for i in range(iters):
        x = 0.5 * (x + a / x)
    return x
v = np.array([2.0, 9.0, 10.0, 0.25])
r = newton_sqrt(v)
print(r)
print(np.abs(r - np.sqrt(v)).max() < 1e-6)
x = 1.0
it = 0
while abs(x * x - 2) > 1e-12:
    x = x - (x * x - 2) / (2 * x)
    it += 1
print(it, x)
