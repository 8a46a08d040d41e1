import numpy as np

# Float text is not an integer: NumPy refuses "2.50" for dtype=int.
p = "/tmp/hpxl_conf_394.txt"
np.savetxt(p, np.array([1.0, 2.5]), fmt="%.2f")
print(np.loadtxt(p))
print(np.loadtxt(p, dtype=int))
