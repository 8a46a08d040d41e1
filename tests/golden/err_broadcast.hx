# test: a broadcasting shape mismatch names the statement
# expect-stdout:
# | 12.0
# expect-error: E0300 line 7
a = ones((3, 4))
print(a.sum())
b = a + arange(3)
print(b)
