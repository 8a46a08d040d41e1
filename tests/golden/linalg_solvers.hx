# test: linalg.solve/inv/det/norm, with bare `linalg.` and stacks
# expect-stdout:
# | [ 1. -2.  3.]
# | True
# | 36.0
# | [ 36. 288.   1.]
# | (3, 3, 2)
# | 8.1240384046 8.0 8.0
# | 7.3722813233 1.6277186767 12.0
# | [ 8.1240384  16.24807681  1.73205081]
# | [4.1793392  4.30886938 4.1793392 ]
a = array([[4.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 4.0]])
x = linalg.solve(a, array([11.0, -16.0, 17.0]))
print(round(x, 10))
print(allclose(a @ linalg.inv(a), eye(3)))
print(round(linalg.det(a), 10))
st = stack([a, a * 2, eye(3)])
print(round(linalg.det(st), 8))
print(linalg.solve(st, ones((3, 3, 2))).shape)
print(round(linalg.norm(a), 10), round(linalg.norm(a, 1), 10), round(linalg.norm(a, inf), 10))
print(round(linalg.norm(a, 2), 10), round(linalg.norm(a, -2), 10), round(linalg.norm(a, "nuc"), 10))
print(round(linalg.norm(st, axis=(1, 2)), 8))
print(round(linalg.norm(a, axis=1, ord=3), 10))
