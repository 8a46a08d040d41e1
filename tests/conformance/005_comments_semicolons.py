import numpy as np
# a comment line
x = 1; y = 2; z = x + y  # trailing comment
print(x, y, z)
a = np.arange(4)  # arange
print(a)  # print it
# another comment
print("# not a comment")
