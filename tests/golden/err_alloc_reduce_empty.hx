# test: reducing the empty axis of a (0, 2^40) array would allocate 2^40 sums
# expect-stdout:
# | (0, 1099511627776) 0
# expect-error: E0900 line 7
e = zeros((0, 2**40))
print(e.shape, e.size)
print(e.sum(axis=0))
