# test: unary minus on a bool array is a dtype error
# expect-stdout:
# | [ True False False]
# expect-error: E0400 line 7
m = arange(3) > 0
print(~m)
print(-m)
