# test: in-place add of float into an int array is a same_kind casting error
# expect-stdout:
# | [1 2 3]
# expect-error: E0400 line 8
a = arange(3, dtype=int32)
a += 1
print(a)
a += 0.5
