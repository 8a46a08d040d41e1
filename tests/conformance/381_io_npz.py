import numpy as np

# savez: positional arrays become arr_0, arr_1, ... after the keyword arrays.
p = "/tmp/hpxl_conf_381.npz"
x = np.arange(10) ** 2
y = np.linspace(-1, 1, 4).astype(np.float32)
np.savez(p, x, y, flags=x > 20, grid=np.eye(3, dtype=np.int8))
d = np.load(p)
print(len(d))
for k in d:
    print(k, d[k].dtype, d[k].shape)
print(d["arr_0"])
print(d["arr_1"])
print(d["flags"])
print(d["grid"])

# savez_compressed holds the same values (deflated members).
q = "/tmp/hpxl_conf_381_c"
np.savez_compressed(q, big=np.arange(5000) % 13, small=np.ones(2))
z = np.load(q + ".npz")
for k in z:
    print(k, z[k].dtype, z[k].shape, z[k].sum())
print(z["big"][:20])
