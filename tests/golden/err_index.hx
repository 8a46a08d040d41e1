# test: out-of-range integer index
# expect-stdout:
# | 0.0
# expect-error: E0500 line 7
a = zeros((2, 3))
print(a[1, -3])
print(a[0, 3])
