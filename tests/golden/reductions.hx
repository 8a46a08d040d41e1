# test: reductions with axis, negative axis, tuples and keepdims
# expect-stdout:
# | 276 [[12 14 16 18]
# |  [20 22 24 26]
# |  [28 30 32 34]]
# | [[ 3  7 11]
# |  [15 19 23]] [0 4 8]
# | (1, 1, 4)
# | 23 [[0 0 0 0]
# |  [0 0 0 0]]
# | True True 5
# | 120
a = arange(24).reshape(2, 3, 4)
print(sum(a), a.sum(axis=0))
print(a.max(axis=-1), a.min(axis=(0, 2)))
print(mean(a, axis=(0, 1), keepdims=True).shape)
print(a.argmax(), argmin(a, axis=1))
print(any(a > 22), all(a >= 0), count_nonzero(a % 5 == 0))
print(prod(arange(1, 6)))
