# test: concatenate with mismatched non-axis dimensions
# expect-stdout:
# | (2, 7)
# expect-error: E0300 line 8
a = zeros((2, 3))
b = zeros((2, 4))
print(concatenate((a, b), axis=1).shape)
print(concatenate((a, b), axis=0).shape)
