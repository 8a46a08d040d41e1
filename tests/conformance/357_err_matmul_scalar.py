import numpy as np
# matmul refuses 0-d operands (dot multiplies them).
print(np.dot(np.ones(3), np.float64(2.0)))
print(np.matmul(np.ones(2), np.ones(2)))
print(np.matmul(np.ones(3), np.float64(2.0)))
