import numpy as np
def normalise(x, w):
    s = x.sum()
    y = x * w
    return y / s
print(normalise(np.arange(1, 4), np.ones(3)))
print("second call")
print(normalise(np.arange(1, 4), np.ones(2)))
