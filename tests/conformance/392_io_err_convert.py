import numpy as np

# A header that is not commented out cannot be converted to float64.
p = "/tmp/hpxl_conf_392.txt"
np.savetxt(p, np.array([[1.0, 2.0], [3.0, 4.0]]), header="alpha beta", comments="")
print(np.loadtxt(p, skiprows=1))
a = np.loadtxt(p)
print(a)
