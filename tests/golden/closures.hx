# test: nested functions see the enclosing function's variables
# expect-stdout:
# | [ 4 14 24]
# | [0 3 6 9]
def outer(a, k):
    scale = 10
    def inner(x):
        return x * scale + k
    return inner(a) + a.sum()
print(outer(arange(3), 1))
def make_mul(n):
    def mul(x):
        return x * n
    return mul
print(make_mul(3)(arange(4)))
