import numpy as np

# A header line with three fields, then rows with one: the column count changes.
p = "/tmp/hpxl_conf_391.csv"
np.savetxt(p, np.array([4.0, 5.0]), fmt="%.1f", header="1,2,3", comments="")
print(np.loadtxt(p, delimiter=",", skiprows=1))
print(np.loadtxt(p, delimiter=",", usecols=0))
a = np.loadtxt(p, delimiter=",")
print(a)
