import numpy as np
def f(x, y=1):
    return x + y
print(f(1))
print(f(1, 2))
print(f(1, y=5))
print(f(x=3, y=4))
def scale(a, factor=2.0, offset=0):
    return a * factor + offset
print(scale(np.arange(3)))
print(scale(np.arange(3), 3, offset=1))
print(scale(np.arange(3), offset=-1,))
def g(a, b,):
    return a - b
print(g(5, 3,))
