import numpy as np
# Long series: several parallel chunks, large windows (both median algorithms),
# missing values scattered through; summarised with rounded aggregates.
n = 60000
i = np.arange(n)
x = (i * 0.6180339887498949) % 1.0 + 1000.0 * np.sin(i / 5000.0)
x[::25000] = np.nan
for w in [1, 7, 100, 2049]:
    s = np.rolling_sum(x, w)
    m = np.rolling_mean(x, w)
    v = np.rolling_var(x, w)
    lo = np.rolling_min(x, w)
    hi = np.rolling_max(x, w)
    print(w, np.isnan(s).sum(), round(float(np.nansum(s)) / n, 4), round(float(np.nanmean(m)), 6))
    print(w, round(float(np.nanmean(v)), 4), round(float(np.nanmin(lo)), 6), round(float(np.nanmax(hi)), 6))
    print(np.round(m[n - 3:], 6), np.round(v[25000 + w + 3:25000 + w + 6], 6))
for w in [9, 1000, 1501, 20000]:
    md = np.rolling_median(x, w)
    print(w, np.isnan(md).sum(), round(float(np.nanmean(md)), 6), np.round(md[n - 2:], 6))
for w in [10, 501, 17001]:
    d = np.rolling_mad(x, w)
    print(w, np.isnan(d).sum(), round(float(np.nanmean(d)), 6), np.round(d[n - 2:], 6))
