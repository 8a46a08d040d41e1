# test: assertion failure with a message
# expect-stdout:
# | first assert passed
# expect-error: E0700 line 8
x = arange(4)
assert x.sum() == 6
print("first assert passed")
assert x.min() > 0, "x must be positive"
