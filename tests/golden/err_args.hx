# test: calling a function with the wrong number of arguments
# expect-stdout:
# | 3
# expect-error: E0200 line 8
def f(a, b):
    return a + b
print(f(1, 2))
print(f(1))
