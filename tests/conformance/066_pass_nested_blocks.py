import numpy as np
for i in range(3):
    pass
if True:
    pass
else:
    print("no")
def nothing():
    pass
print(nothing())
x = 0
for i in range(4):
    if i % 2:
        if i == 3:
            x += 100
        else:
            x += 10
    else:
        x += 1
print(x)
