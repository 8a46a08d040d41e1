# test: a*b + c*d, where() and sum(sqrt(a*a + b*b)) over generated inputs each fuse into one kernel
# kernels: 3
# expect-stdout:
# | [ 0.0000000e+00  2.4985000e-03  4.9940000e-03 ... -5.9805135e+00
# |  -5.9870060e+00 -5.9935015e+00]
# | [ 0.000e+00 -1.000e-03 -2.000e-03 ...  5.994e+00  5.996e+00  5.998e+00]
# | 5320.22803567
a = arange(3000) * 0.001
b = 1.0 - a
c = a * 0.5
d = b + 2
print(a * b + c * d)
print(where(a > 0.5, a * 2, b - 1))
print(f"{sum(sqrt(a * a + b * b)):.8f}")
