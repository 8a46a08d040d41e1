# test: cumsum, cumprod and diff along axes
# expect-stdout:
# | [ 1  3  6 10 15 21] [[1 2 3]
# |  [5 7 9]] [[ 1  3  6]
# |  [ 4  9 15]]
# | [[  1   2   6]
# |  [  4  20 120]]
# | [3 5 7] [[3 3 3]] [2 2]
a = arange(1, 7).reshape(2, 3)
print(cumsum(a), cumsum(a, axis=0), a.cumsum(axis=1))
print(cumprod(a, axis=1))
print(diff(array([1, 4, 9, 16])), diff(a, axis=0), diff(array([1, 4, 9, 16]), n=2))
