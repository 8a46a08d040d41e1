import numpy as np
ok = np.arange(7.0)[::-1]
print(np.sort(ok), np.median(ok), np.percentile(ok, [10, 90]))
print(np.quantile(np.arange(5), [0.0, 1.0]))
print(np.quantile(np.arange(5), -0.25))
