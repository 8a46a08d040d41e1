# test: integers to negative integer powers are refused
# expect-stdout:
# | [1 4 9]
# expect-error: E0600 line 7
a = arange(1, 4)
print(a ** 2)
print(a ** -2)
