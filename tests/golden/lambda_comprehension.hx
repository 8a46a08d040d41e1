# test: lambdas and list comprehensions turned into arrays
# expect-stdout:
# | [0 1 4 9]
# | [ 0  1  4  9 16]
# | [[0 0 0]
# |  [0 1 2]
# |  [0 2 4]]
# | [0 4 8]
# | 4 0
sq = lambda x: x * x
print(sq(arange(4)))
print(array([i * i for i in range(5)]))
print(array([[i * j for j in range(3)] for i in range(3)]))
print(array([x for x in range(10) if x % 4 == 0]))
f = lambda a, b=1: a - b
print(f(5), f(5, 5))
