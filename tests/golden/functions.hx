# test: def with defaults, keyword args, trailing commas and tuple returns
# expect-stdout:
# | [0 2 4] [1 3 5] [0 3 6]
# | -1 9
def scale(a, factor=2, offset=0,):
    return a * factor + offset
def minmax(a):
    return a.min(), a.max()
print(scale(arange(3)), scale(arange(3), offset=1), scale(arange(3), 3,))
lo, hi = minmax(array([4, -1, 9]))
print(lo, hi)
