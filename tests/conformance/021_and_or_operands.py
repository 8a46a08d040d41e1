import numpy as np
print(1 and 2)
print(0 and 2)
print(1 or 2)
print(0 or 2)
print(None or 5)
print("" or "default")
print(0 or None)
k = 1
print(-1 + k or None)
k = 3
print(-1 + k or None)
print(not 0, not 3)
