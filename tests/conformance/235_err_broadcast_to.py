import numpy as np
print(np.broadcast_to(1.5, (2,)))
v = np.arange(3)
print(np.broadcast_to(v, (2, 3)))
print(np.broadcast_to(v, (3, 2)))
