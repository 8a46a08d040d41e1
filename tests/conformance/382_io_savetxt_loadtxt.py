import numpy as np

# savetxt writes NumPy's text; loadtxt reads it back with the same values.
p = "/tmp/hpxl_conf_382.txt"
a = np.array([[1.5, -2.0, 1e-300], [np.pi, 1e20, -0.0]])
np.savetxt(p, a)
b = np.loadtxt(p)
print(b.shape, b.dtype, np.array_equal(a, b))
print(b)

np.savetxt(p, a, fmt="%.3f", delimiter=",", header="x,y,z", footer="done")
print(np.loadtxt(p, delimiter=","))
print(np.loadtxt(p, delimiter=",", usecols=(2, 0)))
print(np.loadtxt(p, delimiter=",", usecols=1))

i = np.arange(12).reshape(4, 3) * 11 - 40
np.savetxt(p, i, fmt="%d")
c = np.loadtxt(p, dtype=np.int32)
print(c, c.dtype)
print(np.loadtxt(p, dtype=int, skiprows=2))
print(np.loadtxt(p, max_rows=2))
u, v, w = np.loadtxt(p, unpack=True)
print(u, v, w)

# One column, one row and one value: NumPy's squeeze and ndmin rules.
np.savetxt(p, np.array([4.0, 5.0, 6.0]))
print(np.loadtxt(p), np.loadtxt(p, ndmin=2).shape)
np.savetxt(p, np.array([[7.0, 8.0]]))
print(np.loadtxt(p), np.loadtxt(p, ndmin=2).shape)
np.savetxt(p, np.array([[9.0]]))
print(np.loadtxt(p), np.loadtxt(p).shape, np.loadtxt(p, ndmin=1).shape)
