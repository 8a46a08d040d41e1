import numpy as np
n = 0
while n < 5:
    n += 1
print(n)
x = 1.0
steps = 0
while x > 1e-3:
    x /= 3
    steps += 1
print(steps, x)
a = np.ones(4)
while a.sum() < 100:
    a = a * 2
print(a)
