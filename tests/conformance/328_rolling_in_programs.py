import numpy as np
# Rolling results inside ordinary NumPy code: z-scores, Bollinger bands, chains.
price = np.array([10.0, 10.5, 10.2, 10.8, 11.5, 11.1, 10.9, 11.8, 12.4, 12.0, 12.9, 13.3])
m = np.rolling_mean(price, 4)
s = np.rolling_std(price, 4)
z = (price - m) / s
print(np.round(z, 4))
upper = m + 2 * s
lower = m - 2 * s
print(np.round(upper[3:], 4), np.round(lower[3:], 4))
print(np.nanmax(np.rolling_max(price, 3) - np.rolling_min(price, 3)))
smooth = np.rolling_mean(np.rolling_median(price, 3), 2)
print(np.round(smooth, 4))
ret = np.diff(price) / price[:-1]
vol = np.rolling_std(ret, 5, ddof=0)
print(np.round(vol, 5))
mask = np.isnan(m)
print(mask.sum(), np.where(mask, 0.0, m).sum())
robust = (price - np.rolling_median(price, 5)) / np.rolling_mad(price, 5)
print(np.round(robust, 3))
w = 3
print(np.rolling_sum(price * 2, w)[w - 1:] / 2)
