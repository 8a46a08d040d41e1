# test: an array of several elements as an if condition is ambiguous
# expect-stdout:
# | scalar ok
# expect-error: E0600 line 8
a = arange(3)
if a.max() > 1:
    print("scalar ok")
if a:
    print("unreachable")
