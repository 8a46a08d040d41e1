import numpy as np
def f(x, y=2):
    return x + y
print(f(1))
print(f(1, 3))
print(f(1, 2, 3))
