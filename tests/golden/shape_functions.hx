# test: reshape, ravel, transpose, swapaxes, expand_dims, squeeze, broadcast_to
# expect-stdout:
# | [[ 0  1  2  3]
# |  [ 4  5  6  7]
# |  [ 8  9 10 11]] (2, 6)
# | (2, 3, 2) (3, 2, 2) (2, 3, 2)
# | [ 0  6  2  8  4 10  1  7  3  9  5 11] [0 1 2 3]
# | (1, 3) (3,)
# | [[0 1 2]
# |  [0 1 2]]
a = arange(12)
print(a.reshape(3, -1), reshape(a, (2, 6)).shape)
b = a.reshape(2, 3, 2)
print(transpose(b).shape, b.transpose(1, 0, 2).shape, swapaxes(b, 0, 2).shape)
print(ravel(b.T), b.flatten()[:4])
print(expand_dims(arange(3), 0).shape, squeeze(zeros((1, 3, 1))).shape)
print(broadcast_to(arange(3), (2, 3)))
