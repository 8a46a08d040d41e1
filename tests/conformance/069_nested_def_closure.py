import numpy as np
def outer(a, k):
    scale = 10
    def inner(x):
        return x * scale + k
    def inner2(x):
        return inner(x) + a.sum()
    return inner2(a)
print(outer(np.arange(3), 1))
def make_adder(n):
    def add(x):
        return x + n
    return add
add5 = make_adder(5)
print(add5(np.array([1, 2])))
print(make_adder(0.5)(1))
