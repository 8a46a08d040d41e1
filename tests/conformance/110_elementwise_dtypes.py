import numpy as np
i = np.array([1, 4, 9], dtype=np.int32)
print(np.sqrt(i), np.sqrt(i).dtype)
f = np.array([1, 4, 9], dtype=np.float32)
print(np.sqrt(f), np.sqrt(f).dtype)
# hpxl has no float16 (NumPy gives float16 for int8/uint8 inputs): use 16-bit ints.
u = np.array([1, 2], dtype=np.uint16)
print(np.exp(u).dtype, np.sin(np.array([1], dtype=np.int16)).dtype)
print(np.abs(np.array([-3], dtype=np.int16)).dtype)
print(np.floor(np.array([1.5], dtype=np.float32)).dtype)
print(np.square(np.array([True, False])), np.square(np.array([2], dtype=np.uint16)).dtype)
print(np.sign(np.array([-2.0, 0.0, np.nan])))
