# test: nan-aware reductions
# expect-stdout:
# | nan 10.0 [1. 0. 9.]
# | 3.3333333333333335 [2. 6.]
# | 1.0 [ 1. nan  6.]
x = array([[1.0, nan, 3.0], [nan, nan, 6.0]])
print(sum(x), nansum(x), nansum(x, axis=0))
print(nanmean(x), nanmean(x, axis=1))
print(nanmin(x), nanmax(x, axis=0))
