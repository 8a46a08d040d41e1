# test: a Python int that does not fit the array dtype
# expect-stdout:
# | [201 202]
# expect-error: E0400 line 7
a = array([1, 2], dtype=uint8)
print(a + 200)
print(a + 300)
