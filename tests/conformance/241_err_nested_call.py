import numpy as np
def inner(a):
    return a.reshape(4, 4)
def outer(a):
    print("outer got", a.shape)
    return inner(a) * 2
print(outer(np.arange(16)).sum())
print(outer(np.arange(15)).sum())
