import numpy as np
def noisy(v):
    print("evaluated", v)
    return v
print(noisy(0) and noisy(1))
print(noisy(2) and noisy(3))
print(noisy(0) or noisy(4))
print(noisy(5) or noisy(6))
a = np.arange(3)
print(a.size > 5 and a[10] > 0)
print(a.size > 0 and a[2] > 1)
