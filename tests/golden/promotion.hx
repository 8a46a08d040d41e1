# test: array-array promotion follows NumPy's table
# expect-stdout:
# | int8 uint8 int16
# | int32 float32 float64
# | uint64 int64 float64
# | bool int16 int16
# | uint32 int8 int64
# | float32 float64 float64
def show(a, b):
    print(a.dtype, b.dtype, (a + b).dtype)
show(ones(1, dtype=int8), ones(1, dtype=uint8))
show(ones(1, dtype=int32), ones(1, dtype=float32))
show(ones(1, dtype=uint64), ones(1, dtype=int64))
show(ones(1, dtype=bool), ones(1, dtype=int16))
show(ones(1, dtype=uint32), ones(1, dtype=int8))
show(ones(1, dtype=float32), ones(1, dtype=float64))
