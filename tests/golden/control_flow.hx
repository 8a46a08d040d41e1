# test: if/elif/else, while, for over range, arrays and tuples, break/continue
# expect-stdout:
# | i 0
# | i 2
# | i 3
# | 3
# | [0 1]
# | [2 3]
# | [4 5]
# | 4
# | 9
for i in range(6):
    if i == 1:
        continue
    elif i == 4:
        break
    else:
        print("i", i)
k = 0
while k < 3:
    k += 1
print(k)
for row in arange(6).reshape(3, 2):
    print(row)
for s in (2, 3):
    print(s * s)
