# test: and/or return operands, used for slice bounds as in ocean models
# expect-stdout:
# | 1 [1 2 3 4 5 6 7] 0
# | 2 [] 1
# | 3 [] 1
# | None 4 x
a = arange(8)
for k in range(1, 4):
    print(k, a[k:-1 + k or None], 0 if k == 1 else 1)
print(0 or None, 3 and 4, None or "x")
