import numpy as np
for k in range(4):
    s = "even" if k % 2 == 0 else "odd"
    print(k, s)
x = 5
y = 0 if x == 1 else 1
print(y)
z = "big" if x > 10 else "medium" if x > 3 else "small"
print(z)
a = np.arange(3)
print(a if a.sum() > 2 else -a)
