import numpy as np
"""Escape-time Mandelbrot set with real and imaginary parts kept in separate arrays."""


def mandelbrot(xmin, xmax, ymin, ymax, width, height, max_iter=60, horizon=4.0):
    x = np.linspace(xmin, xmax, width)
    y = np.linspace(ymin, ymax, height)
    cr = x[np.newaxis, :] + 0.0 * y[:, np.newaxis]
    ci = y[:, np.newaxis] + 0.0 * x[np.newaxis, :]
    zr = np.zeros_like(cr)
    zi = np.zeros_like(ci)
    counts = np.zeros(cr.shape, dtype=np.int32)
    alive = np.ones(cr.shape, dtype=bool)
    for n in range(max_iter):
        zr_new = np.where(alive, zr * zr - zi * zi + cr, zr)
        zi = np.where(alive, 2.0 * zr * zi + ci, zi)
        zr = zr_new
        escaped = alive & (zr * zr + zi * zi > horizon)
        counts[escaped] = n
        alive &= ~escaped
        if not alive.any():
            break
    counts[alive] = max_iter
    return counts


img = mandelbrot(-2.0, 0.6, -1.2, 1.2, 26, 13)
chars = " .:-=+*#%@"
for row in img:
    line = ""
    for c in row:
        line = line + chars[int(c) * (len(chars) - 1) // 60]
    print(line)
print(img.dtype, img.shape, int(img.sum()), (img == 60).sum())
print(np.all(img == img[::-1]), img.max(), img.min())
