# test: rolling windows without the np. prefix, on views, in loops and functions
# expect-stdout:
# | [        nan         nan -5.2000e-04  2.1360e-02  7.4140e-02  1.5809e-01
# |   2.7325e-01  4.1965e-01  5.9728e-01]
# | [    nan     nan 0.0526  0.12448 0.22794 0.36274 0.52883 0.72619 0.9548 ]
# | 1 [0.     0.0625 0.25   0.5625 1.    ] 0.0
# | 2 [    nan 0.03125 0.15625 0.40625 0.78125] 0.5
# | 3 [   nan    nan 0.0625 0.25   0.5625] 0.765625
# | [[nan  4. 12.]
# |  [nan  6. 14.]
# |  [nan  8. 16.]
# |  [nan 10. 18.]]
# | [[ 2.  3.]
# |  [ 6.  7.]
# |  [10. 11.]] [nan nan nan  4.]
# | float64 (3, 4)
x = linspace(0, 1, 9) ** 2
def band(v, w):
    m = rolling_mean(v, w)
    s = rolling_std(v, w, ddof=0)
    return m - s, m + s
lo, hi = band(x, 3)
print(round(lo, 5))
print(round(hi, 5))
for w in range(1, 4):
    print(w, rolling_median(x[::2], w), rolling_mad(x[::-1], w)[w - 1:].sum())
a = reshape(arange(12), (3, 4))
print(rolling_sum(a.T, 2))
print(rolling_max(a, 3)[:, 2:], rolling_min(a[1], 4))
print(rolling_var(a, 2, 0).dtype, rolling_var(a, 2).shape)
