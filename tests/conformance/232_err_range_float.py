import numpy as np
n = 4
for i in range(n):
    print(i)
m = n / 2
for i in range(m):
    print(i)
