# test: boolean masks and integer-array gathers (copies)
# expect-stdout:
# | [5 8 3] [3 5 5]
# | [ 5 -2  8 -1  3]
# | [5 0 8 0 3]
# | [ 1 11]
a = array([5, -2, 8, -1, 3])
print(a[a > 0], a[array([4, 0, 0])])
m = a[a < 0]
m[0] = 100
print(a)
a[a < 0] = 0
print(a)
b = arange(12).reshape(3, 4)
print(b[array([0, 2]), array([1, 3])])
