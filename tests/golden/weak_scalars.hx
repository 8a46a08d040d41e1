# test: NEP 50 weak Python scalars adopt the array's dtype
# expect-stdout:
# | [2 3 4] int8
# | float32 float32
# | [1.5 2.5 3.5] float64
# | [ 4 15] [240 251]
# | float64
i8 = array([1, 2, 3], dtype=int8)
print(i8 + 1, (i8 + 1).dtype)
f32 = ones(2, dtype=float32)
print((f32 * 2.0).dtype, (f32 + 1).dtype)
i32 = arange(3, dtype=int32)
print(i32 + 1.5, (i32 + 1.5).dtype)
u8 = array([250, 5], dtype=uint8)
print(u8 + 10, u8 - 10)
print((i8 / 2).dtype)
