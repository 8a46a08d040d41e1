# test: recursion that terminates on scalar values
# expect-stdout:
# | 144
# | [ 1.  4. 15. 40.]
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def poly(x, n):
    if n == 0:
        return ones_like(x)
    return x * poly(x, n - 1) + 1
print(fib(12))
print(poly(arange(4.0), 3))
