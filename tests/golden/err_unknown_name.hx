# test: unknown names are reported (did you mean)
# expect-stdout:
# | [0.  0.5 1. ]
# expect-error: E0100 line 7
x = linspace(0, 1, 3)
print(x)
y = lnspace(0, 1, 3)
