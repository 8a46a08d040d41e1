import numpy as np
for t in (1, 2, 3):
    print(t * t)
shape = (2, 3, 4)
for s in shape:
    print(s)
for name in ("a", "b"):
    print(name)
total = 1
for n in np.zeros((5, 6, 7)).shape:
    total *= n
print(total)
