import numpy as np
z = np.zeros(2, dtype=np.float32)
print(z.dtype)
print(np.zeros(2, dtype=np.int8))
print(np.zeros(2, dtpye=np.int8))
