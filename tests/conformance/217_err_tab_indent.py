import numpy as np
a = np.arange(3)
print(a)
if a.sum() > 0:
    print("spaces")
	print("tab")
