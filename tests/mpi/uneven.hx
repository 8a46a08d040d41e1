# test: distributed arrays with uneven partitions (rows not divisible by the rank count,
# ranks with empty partitions) give the single-process results, bit for bit.
for n in [1, 2, 3, 5, 7, 10, 17]:
    a = arange(n * 3, dtype=float).reshape(n, 3)
    b = distribute(a * 2.0 + 1.0)
    print(n, b.sum(), b.max(), b.min(), (b > 10).sum(), count_nonzero(b > 4), b[-1], b[n // 2])
    c = b[1:] - b[:-1]
    print(c.sum(), c.shape, b.sum(axis=1), b.sum(axis=0))
    print(b.T.sum(axis=1), sort(b[:, 0])[::-1], b[::-1][0], b[::2].sum())
    print(repr(float((b * 0.1).sum())), repr(float((b ** 0.5).sum())), b.mean(), b.std())
y = zeros(11, dist="cyclic")
print(y.dist == "cyclic" or nranks() == 1, len(y.partition_sizes or (11,)) == nranks())
y[::2] = 1.0
y[1] = 5.0
print(y, y.sum(), y.cumsum())
z = ones((9, 4), dtype=int, dist="block")
z[3:6, 1] = 7
print(z.sum(), z.sum(axis=1), z[4], (z * z).sum(), z.max(axis=0))
