import numpy as np

# save/load round trips for every dtype; NumPy writes and reads the same files.
p = "/tmp/hpxl_conf_380.npy"
for dt in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
           np.uint32, np.uint64, np.float32, np.float64):
    a = (np.arange(12) * 37 % 11 - 3).reshape(3, 4).astype(dt)
    np.save(p, a)
    b = np.load(p)
    print(b.dtype, b.shape, b.sum(), np.all(a == b))
    print(b)

# The extension is appended when missing, as NumPy does.
np.save("/tmp/hpxl_conf_380_noext", np.linspace(0, 1, 5))
print(np.load("/tmp/hpxl_conf_380_noext.npy"))

# 0-d, empty, transposed (Fortran-ordered on disk) and strided views.
np.save(p, np.float32(2.5) * 3)
c = np.load(p)
print(c, c.shape, c.dtype)
np.save(p, np.zeros((0, 4), dtype=np.int16))
e = np.load(p)
print(e.shape, e.dtype, e.size)
m = np.arange(24.0).reshape(2, 3, 4)
np.save(p, m.T)
t = np.load(p)
print(t.shape, t[3, 2, 1], t[0, 1, 1])
print(np.array_equal(t, m.T))
np.save(p, m[:, ::2, ::-1])
v = np.load(p)
print(v)
