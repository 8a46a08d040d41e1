# test: an unclosed parenthesis is a syntax error
# expect-stdout:
# expect-error: E0001 line 5
a = arange(3)
print(a
b = 2
