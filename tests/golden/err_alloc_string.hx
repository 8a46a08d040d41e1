# test: a huge string repetition is an allocation error, not an abort
# expect-stdout:
# | ababab
# expect-error: E0900 line 6
print("ab" * 3)
s = "ab" * 2**40
print(len(s))
