import numpy as np

p = "/tmp/hpxl_conf_393.txt"
np.savetxt(p, np.ones((2, 2)))
print(np.loadtxt(p))
np.savetxt(p, np.ones((2, 2, 2)))
print("not reached")
