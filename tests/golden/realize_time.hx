# test: realize returns its arguments; time differences are non-negative
# expect-stdout:
# | 999000.0 1.0 -1.0 True
import time
a = arange(1000.0)
b = realize(a * 2)
c, d = realize(a + 1, a - 1)
t0 = time.perf_counter()
s = sum(b)
t1 = time.perf_counter()
print(s, c[0], d[0], t1 >= t0)
