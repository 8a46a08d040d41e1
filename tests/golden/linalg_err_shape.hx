# test: solve stacks whose batch dimensions do not broadcast
# expect-stdout:
# | (3, 2, 1)
# expect-error: E0300 line 7
a = ones((3, 2, 2)) + eye(2)
print(linalg.solve(a, ones((3, 2, 1))).shape)
print(linalg.solve(a, ones((2, 2, 2))))
