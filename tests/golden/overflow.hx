# test: integer overflow wraps silently
# expect-stdout:
# | [-128] [125]
# | [255]
# | [0]
# | [ 100  -56   44 -112]
# | 65534
a = array([127], dtype=int8)
print(a + 1, a * 3)
print(array([0], dtype=uint8) - 1)
print(array([2 ** 62], dtype=int64) * 4)
print(cumsum(full(4, 100, dtype=int8), dtype=int8))
print(uint16(65535) * uint16(2))
