# test: tile with huge repetitions: empty inputs stay empty, others are refused
# expect-stdout:
# | (0,)
# | [0 1 2 0 1 2]
# expect-error: E0900 line 8
print(tile(zeros(0), 2**40).shape)
print(tile(arange(3), 2))
print(tile(arange(3), 2**40))
