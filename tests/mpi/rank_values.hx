# test: values computed from rank() are rank-specific: each rank sees its own array,
# never a mix of the ranks' partitions, and nothing hangs. Everything printed is the
# same for any rank count (rank 0 prints).
r = rank()
p = nranks()
x = arange(40.0) * (r + 1)
print(x.sum(), x[::13], x.shape)
print(allreduce(float(x.sum())) == 780.0 * p * (p + 1) / 2)
y = zeros(30 + r)
print(y.shape[0] - r, y.sum())
z = distribute(arange(24.0).reshape(12, 2))
w = z * r + 1.0
print(w.sum(), w[5], allreduce(float(w.sum())) == 24.0 * p + 276.0 * p * (p - 1) / 2)
v = z + 0.0
v[r % 12] = -1.0
print(v[0], allreduce(float(v.sum())) == p * 276.0 - sum([float(arange(24.0).reshape(12, 2)[q % 12].sum()) + 2.0 for q in range(p)]))
u = full(50, float(r))
print(u.max(), allreduce(u.max(), op="max") == p - 1)
a = distribute(ones(16) * 2.0)
print(a.sum(), a.dist == "block" or p == 1)
if r == 0:
    print("rank 0 alone:", (x * 2).sum(), y.shape)
barrier()
print("done")
