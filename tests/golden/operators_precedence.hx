# test: operator precedence, bitwise and comparison operators on arrays
# expect-stdout:
# | [ 1  3  5  7  9 11] [  0  -1  -4  -9 -16 -25] [ 1  2  4  8 16 32]
# | [False False  True  True False False] [ True  True  True False False False] [ True False False  True False False]
# | [ 0  2  4  6  8 10] [0 0 1 1 2 2] [3 2 1 0 7 6] [ 8  9 10 11 12 13]
# | 6 10 False
# | 55 [[ 2  3]
# |  [ 6 11]]
a = arange(6)
print(a * 2 + 1, -a ** 2, 2 ** a)
print((a > 1) & (a < 4), ~(a > 2), a % 3 == 0)
print(a << 1, a >> 1, a ^ 3, a | 8)
print(1 + 2 << 1, 6 & 3 | 8, not 1 + 1 == 2)
print(a @ a, arange(4).reshape(2, 2) @ arange(4).reshape(2, 2))
