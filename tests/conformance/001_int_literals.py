import numpy as np
a = 42
b = 1_000_000
c = 0x1F
d = 0b101
print(a, b, c, d)
print(a + b + c + d)
x = np.array([0x10, 0b11, 1_0])
print(x, x.dtype)
print(-7, +7, --7)
