# test: dot, inner, outer, matmul and the @ operator without the np. prefix
# expect-stdout:
# | [[ 5.  8. 11. 14.]
# |  [-4.  8. 20. 32.]]
# | [[0. 0. 0. 0.]
# |  [0. 0. 0. 0.]]
# | 5.25 5.25 [-1.  -2.5]
# | [[ 5. 14.]
# |  [14. 50.]]
# | [[ 0.   1. ]
# |  [-0.  -2. ]
# |  [ 0.   0.5]]
# | (2, 3, 2) (2, 3, 2, 5)
# | int64 float32
# | (2, 3, 5)
a = arange(6.0).reshape(2, 3)
b = arange(12.0).reshape(3, 4) - 5
v = array([1.0, -2.0, 0.5])
print(a @ b)
print(dot(a, b) - matmul(a, b))
print(dot(v, v), inner(v, v), a.dot(v))
print(inner(a, a))
print(outer(v, arange(2)))
s = arange(24).reshape(2, 3, 4)
print(dot(s, arange(8).reshape(4, 2)).shape, dot(s, arange(40).reshape(2, 4, 5)).shape)
print((s @ arange(4)).dtype, (s.astype(float32) @ ones(4, dtype=float32)).dtype)
print(inner(s, ones((5, 4))).shape)
