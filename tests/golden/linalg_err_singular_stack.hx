# test: a singular matrix in a stack makes solve fail at its statement
# expect-stdout:
# | [1. 0.]
# expect-error: E0600 line 9
good = eye(2)
bad = array([[1.0, 2.0], [0.5, 1.0]])
st = stack([good, bad])
print(linalg.det(st))
x = linalg.solve(st, ones(2))
print(x)
