# test: reshape to an incompatible size
# expect-stdout:
# | (2, 5)
# expect-error: E0600 line 7
a = arange(10)
print(a.reshape(2, 5).shape)
b = a.reshape(3, -1)
