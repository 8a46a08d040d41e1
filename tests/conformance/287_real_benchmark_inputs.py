import numpy as np
"""Input generation and checking in the style of a benchmark harness (no timings printed)."""
import time


def generate_inputs(size, nz_fraction=0.25):
    """Arrays for a 3-D kernel whose total size is about `size` elements."""
    edge = size ** (1.0 / 3.0)
    shape = (int(np.ceil(2 * edge)), int(np.ceil(2 * edge)), int(np.ceil(nz_fraction * edge)))
    nx, ny, nz = shape
    s = np.linspace(0.0, 1.0, nx * ny * nz).reshape(shape)
    sa = 30.0 + 5.0 * np.sin(7.0 * s)
    ct = 10.0 + 8.0 * np.cos(3.0 * s)
    p = 1000.0 * s
    tensor = np.zeros(shape + (2, 2))
    tensor[..., 0, 1] = s
    return sa, ct, p, tensor


def kernel(sa, ct, p, *extra, scale=1.0):
    out = scale * (sa * 0.78 - ct * 0.17 + p * 4.5e-3)
    for e in extra:
        out = out + e.sum(axis=(-2, -1))
    return out


def check(result, reference, name="kernel", rtol=1e-10):
    ok = np.allclose(result, reference, rtol=rtol)
    print(f"{name:>10}: shape={result.shape} ok={ok} checksum={result.sum():.6f}")
    return ok


for size in (2 ** 6, 2 ** 9, 2 ** 12):
    inputs = generate_inputs(size)
    sa, ct, p, tensor = inputs
    start = time.perf_counter()
    res = kernel(*inputs[:3])
    res2 = kernel(sa, ct, p, tensor, scale=1.0)
    elapsed = time.perf_counter() - start
    print(size, sa.shape, tensor.shape, len(inputs), elapsed >= 0.0)
    check(res, 0.78 * sa - 0.17 * ct + 4.5e-3 * p)
    check(res2 - p[..., :] * 0.0, res + tensor[..., 0, 1], name="extra")
shape = tensor.shape[:-2]
print(shape, shape[::-1], tensor.shape[-1], tensor.ndim, sa.size, sa.T.shape)
