import numpy as np
# NumPy's float power loop computes a scalar exponent of 2 as square and of 0.5 as
# sqrt, which shows at the special values; other exponents follow C's pow.
a = np.array([-np.inf, -4.0, -0.0, 0.0, 0.25, 2.0, np.inf, np.nan])
print(a ** 0.5)
print(a ** 2, a ** 2.0)
print(a ** -1, a ** 1.5)
print(np.power(a, 0.5), np.power(a, np.full(8, 0.5)))
f = a.astype(np.float32)
print(f ** 0.5, (f ** 0.5).dtype, f ** 2, (f ** 2).dtype)
i = np.arange(-3, 4)
print(i ** 2, (i ** 2).dtype, i ** 0.5, (i ** 0.5).dtype)
b = a.copy()
b **= 0.5
print(b)
x = np.linspace(-3, 3, 13)
print(np.sum(np.sin(x) ** 2 + np.cos(x) ** 2), x ** 2)
