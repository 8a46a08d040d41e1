import numpy as np
sq = lambda x: x * x
print(sq(3))
print(sq(np.arange(4)))
add = lambda a, b=10: a + b
print(add(1), add(1, 2))
apply = lambda f, x: f(x)
print(apply(np.sqrt, 16.0))
compose = lambda f, g: lambda x: f(g(x))
h = compose(sq, lambda x: x + 1)
print(h(2))
print((lambda: 42)())
