# test: integer/float/bool literals, comments, semicolons and line joins
# expect-stdout:
# | 1019 2.6
# | [1 2 3 4] 3 True None
# | inf -inf nan 3.141592653589793 2.718281828459045
a = 1_000 + 0x10 + 0b11; b = 2. + .5 + 1e-1
print(a, b)
c = array([1, 2,
           3, 4])   # newline inside brackets is ignored
total = 1 + \
    2
print(c, total, True, None)
print(inf, -inf, nan, pi, e)
