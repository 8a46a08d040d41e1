# test: repeat counts must be integers (a float count of 1e308 once overflowed)
# expect-stdout:
# | [0 0 1 1 2 2]
# expect-error: E0400 line 6
print(repeat(arange(3), 2))
print(repeat(arange(3), 1e308))
