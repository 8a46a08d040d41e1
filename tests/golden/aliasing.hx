# test: overlapping in-place updates behave as if the right side were copied
# expect-stdout:
# | [0 1 3 5 7 9]
# | [4 3 2 1 0]
# | [[0 3 6]
# |  [1 4 7]
# |  [2 5 8]]
a = arange(6)
a[1:] += a[:-1]
print(a)
b = arange(5)
b[::-1] = b
print(b)
c = arange(9).reshape(3, 3)
c[:] = c.T
print(c)
