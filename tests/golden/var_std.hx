# test: variance and standard deviation with ddof
# expect-stdout:
# | 6.666666666666667 [1.   2.25 6.25] [1.24721913 2.49443826]
# | 2.8284271247461903 [2.33333333 9.33333333]
# | 4.0 [2.  3.5 6.5]
x = array([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]])
print(var(x), x.var(axis=0), std(x, axis=1))
print(x.std(ddof=1), var(x, axis=1, ddof=1))
print(x.mean(), x.mean(axis=0))
