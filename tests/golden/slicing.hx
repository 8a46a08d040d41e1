# test: slices with steps, negatives, ellipsis and new axes
# expect-stdout:
# | [[[ 3  1]
# |   [ 7  5]
# |   [11  9]]
# |
# |  [[15 13]
# |   [19 17]
# |   [23 21]]]
# | [[16 17]
# |  [20 21]]
# | (2, 1, 4)
# | [0 3 6 9] [8 6 4] [7 8 9] [9 8 7 6 5 4]
a = arange(24).reshape(2, 3, 4)
print(a[..., ::-2])
print(a[-1, 1:, :2])
print(a[:, None, 0, :].shape)
v = arange(10)
print(v[::3], v[8:2:-2], v[-3:], v[:-7:-1])
