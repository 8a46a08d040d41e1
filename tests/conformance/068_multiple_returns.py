import numpy as np
def stats(a):
    return a.min(), a.max(), a.mean()
lo, hi, mu = stats(np.array([4.0, 1.0, 7.0]))
print(lo, hi, mu)
def divmod2(a, b):
    return a // b, a % b
q, r = divmod2(np.arange(10), 3)
print(q)
print(r)
def shape2(a):
    return a.shape
print(shape2(np.ones((2, 5))))
def none_ret(x):
    x += 1
print(none_ret(np.zeros(2)))
