import numpy as np
# N-d input: every row of the last axis is an independent series.
a = np.arange(20).reshape(4, 5) ** 2 % 7
print(a)
print(np.rolling_sum(a, 2))
print(np.rolling_mean(a, 3))
print(np.rolling_median(a, 4))
print(np.rolling_mad(a, 3))
print(np.rolling_var(a, 3))
print(np.rolling_max(a, 5))
print(np.rolling_min(a, 6))
t = a.T
print(np.rolling_sum(t, 2))
print(np.rolling_max(a[:, ::-1], 2))
print(np.rolling_mean(a[1:3, 1:], 2))
c = np.arange(24).reshape(2, 3, 4) % 5
print(np.rolling_median(c, 2))
print(np.rolling_std(c, 3, ddof=0).shape)
col = np.arange(5.0).reshape(5, 1)
print(np.rolling_mean(col, 1).ravel(), np.rolling_mean(col, 2).ravel())
