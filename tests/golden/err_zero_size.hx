# test: reducing an empty array with no identity
# expect-stdout:
# | 0.0
# expect-error: E0600 line 7
e = zeros((0,))
print(sum(e))
print(e.max())
