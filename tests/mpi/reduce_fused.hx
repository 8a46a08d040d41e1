# test: full reductions of fused expressions over distributed arrays, with partitions
# that split rows unevenly (and leave ranks empty): each rank's partial comes from one
# kernel fusing the expression over its rows, and the partials combine into the
# single-process bits for any rank count (pairwise trees cut at rank boundaries, the
# 8192-element chunks of a casting mean, selections, counts, integer sums).
for n in [1, 3, 7, 129, 1000, 4099]:
    x = distribute(linspace(-1.0, 2.0, n * 5).reshape(n, 5))
    y = x * x + 0.1 * x - 1.0 / 3.0
    print(n, repr(float(y.sum())), repr(float(y.mean())), repr(float((sin(x) * 3.0).sum())))
    print(y.max(), y.min(), (y > 0.5).any(), (y > 10.0).any(), (y > -10.0).all(), count_nonzero(y > 0.25))
    i = (x * 10.0).astype(int)
    print((i * 3 - 7).sum(), repr(float((i * 3 + 1).mean())), (i % 5).max(), (i - 2).min())
    f = (x * 1.5).astype(float32)
    print(repr(float((f * f - 0.5).sum())), repr(float((f + 1.0).mean())), (f * -2.0).max())
    print(repr(float((x[1:] - x[:-1]).sum())), repr(float(x[::2].sum())), repr(float((x.T * 2.0).sum())))
z = linspace(0.0, 1.0, 30011, dist="block")
print(repr(float((z * z + 1.0).sum())), repr(float((z * z + 1.0).mean())), repr(float(exp(-z).sum())))
w = arange(20000, dist="block")
print((w * w).sum(), repr(float(w.mean())), repr(float((w % 7 == 3).sum())), (w % 13).max())
# Variances, standard deviations, nan-sums and arg-reductions without gathering.
for n in [1, 2, 5, 129, 2001]:
    x = distribute(linspace(-3.0, 2.0, n * 3).reshape(n, 3))
    y = sin(x * 7.0) + 0.25 * x
    print(n, repr(float(y.var())), repr(float(y.std())), repr(float(y.std(ddof=1))), repr(float((y * 1.5).astype(float32).var())))
    print(argmax(y), argmin(y), argmax(y > 0.5), argmin(abs(x)), argmax(x * 0.0), argmin((x * 100.0).astype(int) % 7))
    q = where(y > 0.9, nan, y)
    print(argmax(q), argmin(q), nanargmax(q), nanargmin(q), repr(float(nansum(q))), repr(float(nansum(q * 2.0))))
    r = where(x < 1.5, nan, x)
    print(nanargmax(r), nanargmin(r), repr(float(nansum(r))))
a = distribute(zeros((7, 2)))
print(argmax(a), argmin(a), argmax(a - 1.0), a.var(), a.std(ddof=3))
b = distribute(full((9, 2), nan))
print(argmax(b), argmin(b), repr(float(nansum(b))))
# Exact reductions over axis 0 (and axes including it): partial rows combined in rank order.
for n in [1, 2, 5, 33]:
    m = distribute(((arange(n * 12).reshape(n, 4, 3) * 7) % 11 - 5))
    f = m * 0.5 - where(m == 0, 0.0, 0.0) * -1.0
    print(n, m.max(axis=0), m.min(axis=(0, 2)), m.sum(axis=0), (m > 2).any(axis=0), (m > -6).all(axis=(0, 1)))
    print(count_nonzero(m, axis=0), f.max(axis=0, keepdims=True).shape, f.min(axis=(0, 1)), nanmax(where(m > 3, nan, f), axis=0))
    print(f.max(axis=0), (f * 0.0).min(axis=0), (-f * 0.0).max(axis=(0, 2)), f.sum(axis=0))
# An all-NaN input raises on every rank, as in one process.
nanargmax(b)
