# test: a 2^40-byte bool array is refused up front
# expect-stdout:
# expect-error: E0900 line 4
a = ones(2**40, dtype=bool)
print(a.sum())
