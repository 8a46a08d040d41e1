import numpy as np
def total(*args):
    s = 0
    for a in args:
        s = s + a
    return s
print(total())
print(total(1, 2, 3))
print(total(np.arange(3), np.ones(3)))
def count(*args):
    return len(args)
print(count(1, "a", None))
def first_and_rest(first, *rest):
    print(first, len(rest))
first_and_rest(1, 2, 3)
xs = (4, 5, 6)
print(total(*xs))
print(np.zeros((2, 3)).reshape(*(3, 2)).shape)
