# test: inf, nan, pi, e and newaxis are predefined without a prefix
# expect-stdout:
# | (3, 1) (1, 3)
# | True
# | [ inf -inf  nan]
# | 1.5707963267948966 7.3890560989306495
# | True True
x = arange(3)
print(x[:, newaxis].shape, x[newaxis].shape)
print(newaxis is None)
print(array([inf, -inf, nan]))
print(pi / 2, e ** 2)
print(isnan(nan), isinf(inf))
