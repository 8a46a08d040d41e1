# test: creation functions with dtype= given as bare dtype names
# expect-stdout:
# | [[0. 0. 0.]
# |  [0. 0. 0.]]
# | [1 1 1] int32
# | [[7 7]
# |  [7 7]]
# | [0.   0.25 0.5  0.75] [0. 1. 2. 3.]
# | [0.   0.25 0.5  0.75 1.  ] [[1 0 0]
# |  [0 1 0]
# |  [0 0 1]]
# | (2, 4) int16
# | [[0. 0.]
# |  [0. 0.]] [1 1 1] [9 9 9]
# | [False False False] [0 0]
print(zeros((2, 3)))
print(ones(3, dtype=int32), ones(3, dtype=int32).dtype)
print(full((2, 2), 7, dtype=uint8))
print(arange(0, 1, 0.25), arange(4, dtype=float32))
print(linspace(0, 1, 5), eye(3, dtype=int64))
z = empty((2, 4), dtype=int16)
print(z.shape, z.dtype)
print(zeros_like(eye(2)), ones_like(arange(3)), full_like(arange(3), 9))
print(zeros(3, dtype=bool), zeros(2, dtype=uint64))
