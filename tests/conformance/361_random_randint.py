import numpy as np
# randint: [low, high) or [0, low), sizes, dtypes, Python vs NumPy scalar results.
# Values differ from NumPy's by design; only generator-independent facts are printed.

np.random.seed(7)
print(isinstance(np.random.randint(5), int), isinstance(np.random.randint(1, 5), int))
print(isinstance(np.random.randint(0, 2, dtype=bool), bool))
x = np.random.randint(5, size=1000)
print(x.shape, x.dtype, bool((x >= 0).all()), bool((x < 5).all()))
y = np.random.randint(-3, 4, size=(10, 100))
print(y.shape, int(y.min()) >= -3, int(y.max()) <= 3)
print(np.random.randint(7, 8, size=4), np.random.randint(0, 1, size=(2, 2)))
for dt in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
    z = np.random.randint(0, 100, size=50, dtype=dt)
    print(z.dtype, z.shape, bool((z < 100).all()))
s = np.random.randint(0, 256, dtype=np.uint8)
print(s.dtype, s.shape)
t = np.random.randint(-128, 128, size=500, dtype=np.int8)
print(t.dtype, bool((t >= -128).all()))
bo = np.random.randint(0, 2, size=6, dtype=bool)
print(bo.dtype, bo.shape)
print(np.random.randint(1.5, 2.9, size=3), np.random.randint(True, size=2))
big = np.random.randint(-2**62, 2**62, size=10)
print(big.dtype, bool((big >= -2**62).all()), bool((big < 2**62).all()))
print(np.random.randint(3, size=()).shape, np.random.randint(0, 5, size=(2, 0)).shape)
hi = np.random.randint(np.array([1, 2, 3]))
print(hi.shape, hi.dtype, bool((hi < np.array([1, 2, 3])).all()))
lo_hi = np.random.randint(np.array([[0], [10]]), np.array([[5, 6, 7], [15, 16, 17]]))
print(lo_hi.shape, bool((lo_hi[0] < 7).all()), bool((lo_hi[1] >= 10).all()))
