# test: basic slices are views; .copy() is not
# expect-stdout:
# | [9 2]
# | [ 9 -1] [0 9 2 3 4]
# | [ 1 10  0  4  5]
# | [[ 0  1  2]
# |  [50  4  5]]
a = arange(5)
b = a[1:3]
a[1] = 9
print(b)
c = a.copy()
a[2] = -1
print(b, c)
d = a
d += 1
print(a)
t = arange(6).reshape(2, 3)
t.T[0, 1] = 50
print(t)
