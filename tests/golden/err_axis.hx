# test: reduction axis out of range
# expect-stdout:
# | [2. 2.]
# expect-error: E0500 line 7
a = ones((2, 2))
print(a.sum(axis=-1))
print(a.max(axis=2))
