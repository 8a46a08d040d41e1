# test: arrays realised together that share inputs are one multi-output kernel (exp(x) computed once)
# kernels: 5
# expect-stdout:
# | [2.       2.002001 2.004004]
# | [148.96858682 149.11662941 149.26482013]
# | 0.31622776601683794 float64 (5000,)
# | 14.997 1.0 37492.5
x = arange(5000) * 0.001
t = exp(x)
b = t * 2.0
c = t + 1.0
d = sqrt(x)
realize(b, c, d)
print(b[:3])
print(c[-3:])
print(d[100], b.dtype, c.shape)
# a member that a reduction reads is computed before the others (x is shared, so materialised: 4 kernels)
e = x * 3.0
s = sum(e)
f = x + 1.0
realize(e, f, s)
print(e[4999], f[0], s)
