import numpy as np
print(np.eye(3))
print(np.eye(2, dtype=np.int32))
print(np.eye(2, 3))
print(np.eye(3, 2))
print(np.eye(4, k=1))
print(np.eye(3, k=-1, dtype=bool))
print(np.eye(1))
