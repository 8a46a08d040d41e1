import numpy as np
for x in range(-2, 3):
    if x < 0:
        print(x, "negative")
    elif x == 0:
        print(x, "zero")
    else:
        print(x, "positive")
a = np.arange(5)
if a.sum() > 5:
    print("big sum", a.sum())
if a.any():
    print("some nonzero")
if not a.all():
    print("not all nonzero")
if a[3] == 3:
    print("a[3] is 3")
