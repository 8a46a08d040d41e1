# test: *args collects positional arguments; f(*xs) spreads a tuple
# expect-stdout:
# | 0 6 [1. 2. 3.]
# | (3, 2)
# | 9
def total(*args):
    s = 0
    for a in args:
        s = s + a
    return s
print(total(), total(1, 2, 3), total(arange(3), ones(3)))
shape = (2, 3)
print(zeros(shape).reshape(*shape[::-1]).shape)
print(total(*(4, 5)))
