# test: Python-scalar integer division by zero
# expect-stdout:
# | 1
# expect-error: E0800 line 7
n = 3
print(n // 2)
print(n // (n - 3))
