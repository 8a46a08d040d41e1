# test: dtype names called as functions give strongly typed scalars
# expect-stdout:
# | 0.33333334 float32
# | 0.3333333333333333
# | -56
# | 4 uint8
# | float64
# | 3 int16
x = float32(1) / 3
print(x, x.dtype)
print(float64(1) / 3)
print(int8(100) + int8(100))
print(uint8(250) + 10, (uint8(250) + 10).dtype)
print((float32(2) * arange(3)).dtype)
print(int16(7) // 2, (int16(7) // 2).dtype)
