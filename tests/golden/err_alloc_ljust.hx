# test: padding a string to a huge width is an allocation error
# expect-stdout:
# | x  |
# expect-error: E0900 line 6
print("x".ljust(3) + "|")
print("x".ljust(2**40))
