import numpy as np
# Medians and MADs: even windows, ties, negative values, repeated values.
x = np.array([1.0, 1.0, 1.0, 2.0, 2.0, -3.0, -3.0, 10.0, 10.0, 10.0, 0.5, -0.5, 0.0])
for w in [2, 3, 4, 5, 6, 7, 8]:
    print(w, np.rolling_median(x, w))
    print(w, np.rolling_mad(x, w))
y = np.array([5, 5, 5, 5, 5, 5, 1, 100, 5, 5])
print(np.rolling_median(y, 4))
print(np.rolling_mad(y, 4))
print(np.rolling_mad(y, 5))
z = np.array([-1e6, 1e6, -1e6, 1e6, 3.0, 3.0, 3.0, -1e6])
print(np.rolling_median(z, 2))
print(np.rolling_mad(z, 3))
print(np.rolling_mad(z, 4))
