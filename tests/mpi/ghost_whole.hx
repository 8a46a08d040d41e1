# test: blocks created with their ghost rows where a rank's rows, ghost rows included,
# are the whole array (2 to 5 rows on 3 or 4 ranks, beside empty ranks). Every rank must
# leave the original graph alike — no rank realises the original nodes in place — so
# that every rank gathers each printed result and computes shared pending intermediates
# the same way (the hang of 017_broadcasting_scalars.py at 3 ranks).
for n in [2, 3, 4, 5]:
    a = arange(n * 2).reshape(n, 2) * 1.5
    t = a + 1.0
    print(t > 2.5)
    print(t * 2.0, (t * 2.0).sum())
    s = t - 0.5
    print(s + 1.0, s * s)
    u = zeros((n, 2), dist="block")
    u[1:-1] += t[2:] - t[:-2]
    print(u, u.sum(), u.max())
    v = ones(n, dist="block")
    v[1:-1] = v[2:] + v[:-2]
    print(v, v.mean())
