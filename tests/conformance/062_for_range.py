import numpy as np
for i in range(3):
    print(i)
for i in range(2, 5):
    print(i, end=" ")
print()
for i in range(10, 0, -3):
    print(i, end=",")
print()
total = 0
for i in range(101):
    total += i
print(total)
for i in range(0):
    print("never")
print(len(range(5)))
