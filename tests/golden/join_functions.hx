# test: concatenate, stack, flip, roll, tile, repeat
# expect-stdout:
# | [[1 2]
# |  [3 4]
# |  [1 2]
# |  [3 4]] [[1 2 1 2]
# |  [3 4 3 4]]
# | (2, 2, 2) (2, 2, 2)
# | [[4 3]
# |  [2 1]] [[3 4]
# |  [1 2]] [3 4 0 1 2]
# | [1 2 1 2 1 2] [1 1 2 2] [[1 2]
# |  [1 2]
# |  [3 4]
# |  [3 4]]
a = array([[1, 2], [3, 4]])
print(concatenate((a, a)), concatenate((a, a), axis=1))
print(stack((a, a)).shape, stack((a, a), axis=-1).shape)
print(flip(a), flip(a, axis=0), roll(arange(5), 2))
print(tile(array([1, 2]), 3), repeat(array([1, 2]), 2), repeat(a, 2, axis=0))
