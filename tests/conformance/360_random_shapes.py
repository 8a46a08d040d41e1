import numpy as np
# Shapes, dtypes and scalar-vs-array results of the legacy np.random functions.
# Values differ from NumPy's by design (hpxl uses Philox4x32-10), so only properties
# that hold for any generator are printed.

np.random.seed(2024)
a = np.random.rand(3)
print(a.shape, a.dtype, a.ndim)
b = np.random.rand(2, 3)
print(b.shape, b.dtype)
c = np.random.randn(4, 1, 2)
print(c.shape, c.dtype)
print(isinstance(np.random.rand(), float), isinstance(np.random.randn(), float))
print(isinstance(np.random.random(), float), isinstance(np.random.standard_normal(), float))
print(np.random.random(5).shape, np.random.random((2, 2)).shape, np.random.random_sample(3).shape)
print(np.random.standard_normal(size=(3, 2)).shape, np.random.sample(size=4).dtype)
print(np.random.rand(0).shape, np.random.rand(2, 0).shape, np.random.randn(0, 3).size)
print(isinstance(np.random.uniform(), float), isinstance(np.random.normal(), float))
print(np.random.uniform(size=3).shape, np.random.uniform(-1, 1, (2, 5)).shape)
print(np.random.normal(2.0, 3.0, size=(4,)).shape, np.random.normal(size=()).shape)
print(np.random.uniform(0, 1, size=()).ndim, np.random.uniform(1.5, 2.5, size=7).dtype)
u = np.random.rand(1000)
print(bool((u >= 0).all()), bool((u < 1).all()))
w = np.random.uniform(-3.0, 5.0, 1000)
print(bool((w >= -3.0).all()), bool((w < 5.0).all()))
v = np.random.uniform(2.0, -2.0, 1000)
print(bool((v > -2.0).all()), bool((v <= 2.0).all()))
print(np.random.normal(5.0, 0.0, 3), np.random.uniform(2.5, 2.5, 2))
