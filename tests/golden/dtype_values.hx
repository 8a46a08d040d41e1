# test: dtype names are values: astype, comparisons and loops over dtypes
# expect-stdout:
# | int8 [0 2 4] int8
# | int16 [0 2 4] int16
# | int32 [0 2 4] int32
# | int64 [0 2 4] int64
# | uint8 [0 2 4] uint8
# | uint16 [0 2 4] uint16
# | uint32 [0 2 4] uint32
# | uint64 [0 2 4] uint64
# | float32 [0. 2. 4.] float32
# | float64 [0. 2. 4.] float64
# | [0.  0.5 1. ] float32 True
# | [False  True  True]
for dt in (int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64):
    a = arange(3, dtype=dt)
    print(a.dtype, a * 2, (a + 1).dtype)
x = linspace(0, 1, 3).astype(float32)
print(x, x.dtype, x.dtype == float32)
print(array([0, 1, 2]).astype(bool))
