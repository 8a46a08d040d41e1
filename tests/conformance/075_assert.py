import numpy as np
a = np.arange(5)
assert a.shape == (5,)
assert a.sum() == 10, "sum should be 10"
assert a.dtype == np.int64
assert (a >= 0).all()
assert len(a) == 5, f"len {len(a)}"
print("all asserts passed")
x = 3
assert x
print("x is truthy")
