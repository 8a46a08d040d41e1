import numpy as np

a = np.arange(3)
np.save("/tmp/hpxl_conf_390_present.npy", a)
print(np.load("/tmp/hpxl_conf_390_present.npy"))
b = np.load("/tmp/hpxl_conf_390_no_such_file.npy")
print(b)
