# test: rolling over a 0-d array is a shape error
# expect-stdout:
# | [nan nan nan nan  2.]
# expect-error: E0300 line 8
x = arange(5.0)
m = rolling_median(x, 5)
print(m)
s = rolling_median(sum(x), 1)
