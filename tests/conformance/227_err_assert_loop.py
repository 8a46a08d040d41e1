import numpy as np
a = np.array([1.0, 4.0, 9.0, -1.0, 16.0])
for v in a:
    assert v >= 0, "negative value"
    print(np.sqrt(v))
print("unreachable")
