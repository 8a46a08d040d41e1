# test: augmented assignment on arrays, slices and elements
# expect-stdout:
# | [[ 0.5  2.   1. ]
# |  [ 6.   6.   4. ]
# |  [ 2.   2.  -1. ]]
# | 8
a = ones((3, 3))
a += 1
a[1] *= 3
a[:, 2] -= array([1, 2, 3])
a[0, 0] /= 4
print(a)
n = 5
n //= 2
n **= 3
print(n)
