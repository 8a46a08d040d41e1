# test: the SPMD builtins; everything printed is the same for any rank count.
print(allreduce(1) == nranks(), allreduce(2.5, op="max"), allreduce(array([1, 2]), op="min"))
print(broadcast(array([1.0, 2.0, 3.0]) * (rank() + 1), root=0), broadcast(3.5))
g = gather(array([rank()]))
if rank() == 0:
    print(g.shape[0] == nranks(), bool((g == arange(nranks())).all()))
else:
    print(g is None)
s = scatter(arange(10))
print(allreduce(s.shape[0]), allreduce(int(s.sum())))
barrier()
print(0 <= rank() < nranks())
