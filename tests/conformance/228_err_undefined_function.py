import numpy as np
def smooth(x):
    return (x[:-2] + x[1:-1] + x[2:]) / 3
print(smooth(np.arange(6.0)))
print(smoothe(np.arange(6.0)))
