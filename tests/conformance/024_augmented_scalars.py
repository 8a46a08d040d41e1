import numpy as np
x = 10
x += 5
print(x)
x -= 3
x *= 2
print(x)
x //= 5
print(x)
x %= 3
print(x)
x **= 3
print(x)
y = 7.0
y /= 2
print(y)
z = 6
z <<= 2
z |= 1
z &= 0xFF
z ^= 3
z >>= 1
print(z)
