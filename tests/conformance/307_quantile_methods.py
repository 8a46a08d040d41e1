import numpy as np
a = np.array([10, 3, 7, 1, 9, 4, 8])
meths = ('inverted_cdf', 'averaged_inverted_cdf', 'closest_observation', 'interpolated_inverted_cdf', 'hazen', 'weibull', 'linear', 'median_unbiased', 'normal_unbiased', 'lower', 'higher', 'midpoint', 'nearest')
qs = np.array([0.0, 0.1, 0.25, 0.5, 0.62, 0.75, 0.99, 1.0])
for meth in meths:
    r = np.quantile(a, qs, method=meth)
    print(meth, r, r.dtype)
b = np.array([2.5, -1.0, 4.0, 0.0, 3.5, 1.0], dtype=np.float32)
for meth in meths:
    print(meth, np.quantile(b, 0.4, method=meth), np.percentile(b, [15, 85], method=meth))
print(np.quantile(np.array([True, False, True]), 0.5, method='lower'))
print(np.quantile(np.array([True, False, True]), 1))
print(np.quantile(np.array([1.0, np.nan, 2.0]), 0.5, method='lower'))
print(np.quantile(np.arange(10.0), 0.45, method='nearest'), np.quantile(np.arange(10.0), 0.5, method='nearest'), np.quantile(np.arange(11.0), 0.45, method='nearest'))
