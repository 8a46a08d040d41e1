# test: a huge range indexes lazily but cannot become an array
# expect-stdout:
# | 5 1099511627775 1099511627776
# expect-error: E0900 line 7
r = range(2**40)
print(r[5], r[-1], len(r))
a = array(r)
print(a.shape)
