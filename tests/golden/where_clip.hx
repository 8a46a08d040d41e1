# test: where and clip
# expect-stdout:
# | [0 0 0 0 1 2 3] [-1.  -1.  -1.  -1.   1.5  1.5  1.5]
# | [-1 -1 -1  0  1  2  2] [0 0 0 0 1 1 1]
# | [0.   0.33 0.67 1.  ] [0.    0.333 0.667 1.   ]
a = arange(-3, 4)
print(where(a > 0, a, 0), where(a > 0, 1.5, -1))
print(clip(a, -1, 2), a.clip(0, 1))
print(round(linspace(0, 1, 4), 2), linspace(0, 1, 4).round(3))
