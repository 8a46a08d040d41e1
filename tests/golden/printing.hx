# test: printing of scalars, 0-d to 4-d arrays, tuples and dtypes
# expect-stdout:
# | 5 2.5 0.1 3
# | [[[[ 0  1]
# |    [ 2  3]]
# |
# |   [[ 4  5]
# |    [ 6  7]]]
# |
# |
# |  [[[ 8  9]
# |    [10 11]]
# |
# |   [[12 13]
# |    [14 15]]]]
# | [1.e-05 1.e+00] [1.e+16 1.e+00] [  0.5 100. ]
# | (3, 4) () (1, 2) int64
# | [ True False] [-0. nan inf]
print(array(5), array(2.5), float32(0.1), arange(3).sum())
print(arange(16).reshape(2, 2, 2, 2))
print(array([1e-5, 1.0]), array([1e16, 1.0]), array([0.5, 100.0]))
print(zeros((3, 4)).shape, zeros(()).shape, (1, 2), arange(3).dtype)
print(array([True, False]), array([-0.0, nan, inf]))
