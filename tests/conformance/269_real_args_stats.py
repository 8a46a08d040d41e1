import numpy as np
"""Summary statistics over any number of fields, with *args and tuple returns."""


def field_stats(field, weights=None):
    """Return (mean, std, min, max) of a field, optionally area-weighted."""
    if weights is None:
        weights = np.ones_like(field)
    w = weights / weights.sum()
    mean = (w * field).sum()
    std = np.sqrt((w * (field - mean) ** 2).sum())
    return mean, std, field.min(), field.max()


def report(title, *fields, fmt=".3f"):
    print(f"== {title} ({len(fields)} fields) ==")
    for k in range(len(fields)):
        mean, std, lo, hi = field_stats(fields[k])
        print(f"  field {k}: mean={mean:{fmt}} std={std:{fmt}} range=[{lo:{fmt}}, {hi:{fmt}}]")


def combine(*arrays):
    total = np.zeros_like(arrays[0])
    for a in arrays:
        total += a
    return total / len(arrays), len(arrays)


lat = np.linspace(-75.0, 75.0, 7)
lon = np.linspace(0.0, 300.0, 6)
sst = 28.0 * np.cos(np.deg2rad(lat))[:, None] + 0.5 * np.sin(np.deg2rad(lon))[None, :]
sss = 35.0 + 0.5 * np.sin(np.deg2rad(2 * lat))[:, None] + 0.0 * lon
report("surface", sst, sss)
report("anomalies", sst - 20.0, sss - sss.mean(axis=0), fmt=".2e")
area = np.cos(np.deg2rad(lat))[:, None] * np.ones_like(lon)
m, s, lo, hi = field_stats(sst, weights=area)
print(f"area-weighted SST mean {m:.4f} +- {s:.4f}")
avg, count = combine(sst, sst + 1.0, sst + 2.0)
print(count, np.allclose(avg, sst + 1.0))
stats = field_stats(sss)
print(len(stats), round(float(stats[0]), 6))
