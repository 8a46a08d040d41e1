import numpy as np
print(np.arange(30) * 12345)
print(np.linspace(-1, 1, 15))
print(np.arange(60).reshape(2, 30))
print(np.full(12, 1e-3) * np.arange(12))
