# test: rolling window of zero is a value error at its statement
# expect-stdout:
# | [nan  1.  3.  5.  7.]
# expect-error: E0600 line 8
x = arange(5.0)
print(rolling_sum(x, 2))
w = 2 - 2
y = rolling_max(x, w)
print(y)
