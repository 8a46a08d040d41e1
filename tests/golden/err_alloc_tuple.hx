# test: a huge tuple repetition is an allocation error, not an abort
# expect-stdout:
# | (1, 2, 1, 2)
# expect-error: E0900 line 6
print((1, 2) * 2)
t = (1, 2) * 2**40
print(len(t))
