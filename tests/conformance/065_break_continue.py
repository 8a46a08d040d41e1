import numpy as np
for i in range(10):
    if i % 2 == 0:
        continue
    if i > 7:
        break
    print(i)
n = 0
while True:
    n += 1
    if n == 4:
        break
print(n)
a = np.array([3, 8, 1, 9, 4])
for v in a:
    if v > 8:
        print("found", v)
        break
for i in range(3):
    for j in range(3):
        if j > i:
            break
        print(i, j)
