import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
a = np.arange(4.0)
print(np.quantile(a, 0.5, method='hazen'))
print(np.quantile(a, 0.5, method='bogus'))
