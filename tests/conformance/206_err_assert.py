import numpy as np
a = np.linspace(0, 1, 5)
assert a.shape == (5,)
print("shape ok")
assert a.sum() == 2.5, "sum ok"
print("sum ok")
assert a.max() < 1.0, f"max is {a.max()}"
print("unreachable")
