# test: min/max over long rows keep NumPy's choice between +0.0 and -0.0 and propagate NaN
# expect-stdout:
# | np.float64(0.0) np.float64(-0.0) np.float64(0.0)
# | np.float64(0.0) np.float64(-0.0) np.float64(0.0)
# | np.float64(nan) np.float64(4999.0) np.float64(nan) np.float64(0.0)
a = zeros(5000)
a[7] = -0.0
a[100] = 3.0
print(repr(min(a)), repr(max(-a)), repr(min(a[:50])))
b = zeros(5000) - 0.0
b[4000] = 0.0
b[10] = -2.0
print(repr(max(b)), repr(min(-b)), repr(nanmax(b)))
c = arange(5000) * 1.0
c[300] = nan
print(repr(max(c)), repr(nanmax(c)), repr(min(c)), repr(nanmin(c)))
