import numpy as np
n = 300007
x = (np.arange(n) * 0.6180339887498949) % 1.0
x[::1001] = -x[::1001]
x[5::7919] = np.nan
s = np.sort(x)
print(s[:3], s[-3:], np.isnan(s).sum())
print(bool(np.all(s[:-38][1:] >= s[:-38][:-1])))
i = np.argsort(x, kind='stable')
print(i[:5], i[-5:])
print(np.median(x), np.nanmedian(x))
print(np.nanpercentile(x, [1, 50, 99.5]))
y = np.where(np.isnan(x), 0.25, x)
print(np.median(y), np.percentile(y, [0.1, 37.5, 99]))
print(np.quantile(y, 0.5, method='nearest'), np.quantile(y, 0.9, method='lower'))
k = (np.arange(n) * 7919) % 1000 - 500
print(np.sort(k)[::50000], np.median(k), np.argsort(k, kind='stable')[:6])
m = y[:300000].reshape(3, 100000)
print(np.median(m, axis=1), np.percentile(m, 20, axis=0)[:4])
print(np.sort(m, axis=0)[:, :3])
u, c = np.unique(k, return_counts=True)
print(u[:4], c[:4], len(u))
z = y.astype(np.float32)
print(np.median(z), np.sort(z)[-3:])
