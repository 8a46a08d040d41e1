import numpy as np
print(np.median(np.array([])))
print(np.median(np.array([], dtype=np.int32)))
print(np.median(np.zeros((0, 3)), axis=0))
print(np.median(np.zeros((0, 3)), axis=1))
print(np.median(np.zeros((0, 3)), axis=1).shape)
print(np.median(np.zeros((2, 0)), axis=1, keepdims=True))
print(np.nanmedian(np.array([np.nan])))
