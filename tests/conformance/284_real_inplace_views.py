import numpy as np
"""Halo updates and in-place arithmetic through views, as a domain-decomposed model does."""


def fill_halo(a, width=2, periodic_x=True):
    """Copy interior edges into the halo in place (a is modified through views)."""
    if periodic_x:
        a[:width, ...] = a[-2 * width:-width, ...]
        a[-width:, ...] = a[width:2 * width, ...]
    else:
        a[:width, ...] = a[width:width + 1, ...]
        a[-width:, ...] = a[-width - 1:-width, ...]
    a[:, :width] = a[:, width:width + 1]
    a[:, -width:] = a[:, -width - 1:-width]


nx, ny = 8, 6
h = 2
field = np.zeros((nx + 2 * h, ny + 2 * h))
inner = field[h:-h, h:-h]
inner += np.arange(nx)[:, None] * 10.0 + np.arange(ny)[None, :]
fill_halo(field, width=h)
print(field[:, :4])
row = field[h + 1]
row *= -1.0
print(field[h + 1, h:-h], inner[1])
col = field[:, h]
col[::2] = 0.5
print(inner[:, 0])
t = np.zeros((4, 5, 3))
for k in range(t.shape[-1]):
    layer = t[..., k]
    layer[...] = k + 1
    layer[1:-1, 1:-1] **= 2
print(t[:, :, 2], t.sum(axis=(0, 1)))
u = np.arange(12.0)
u[1:] -= u[:-1].copy()
print(u)
w = np.arange(12.0)
w[1:] += w[:-1]
print(w)
s = np.arange(10.0)
s[::3] /= 2
s[s > 4] -= 4
print(s, field.shape, inner.shape)
