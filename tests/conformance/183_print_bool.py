import numpy as np
print(np.array([True, False, True]))
print(np.array([[True], [False]]))
print(np.array(True))
print(np.bool_(False))
print(np.ones((2, 3), dtype=bool))
print(np.arange(5) > 2)
