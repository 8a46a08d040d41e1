import numpy as np

# Text round trips per dtype, with format strings a script would use.
p = "/tmp/hpxl_conf_383.csv"
base = np.arange(-6, 6).reshape(3, 4)
for dt, fmt in ((np.int8, "%d"), (np.int16, "%5d"), (np.int64, "%+d"), (np.uint8, "%u"),
                (np.uint32, "%x"), (np.float32, "%.6g"), (np.float64, "%.17g"), (np.bool_, "%d")):
    a = base.astype(dt)
    np.savetxt(p, a, fmt=fmt, delimiter=",")
    if fmt == "%x":
        print(a.dtype, "written in hex")
        continue
    b = np.loadtxt(p, delimiter=",", dtype=dt)
    print(b.dtype, b.shape, np.array_equal(a, b))
    print(b)

# Comments, blank lines and a different comment marker.
np.savetxt(p, np.array([[1.25, 2.5], [3.75, 5.0]]), fmt="%.2f", header="first\nsecond",
           comments="% ")
print(np.loadtxt(p, comments="%"))
print(np.loadtxt(p, comments=("%", "#"), skiprows=1))
f = np.loadtxt(p, comments="%", dtype=np.float32)
print(f, f.dtype)
