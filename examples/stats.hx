# stats.hx — a small statistics pipeline on deterministic synthetic data
"""Builds a (rows, cols) table from sines and cosines of arange (no random numbers),
plants some missing values, then normalises it and prints per-column summaries."""

rows = 500
cols = 4
t = arange(rows, dtype=float64)

# Column j is a different mix of periodic signals plus a slow trend.
data = zeros((rows, cols))
for j in range(cols):
    data[:, j] = (j + 1) * sin(t * (0.05 + 0.03 * j)) + 0.5 * cos(t * 0.17 * (j + 1)) + 0.002 * j * t
print("data", data.shape, data.dtype)
print("first rows")
print(data[:3].round(4))

# Per-column moments.
mu = data.mean(axis=0)
sd = data.std(axis=0)
sd1 = data.std(axis=0, ddof=1)
vr = var(data, axis=0)
for j in range(cols):
    print(f"col {j}: mean {mu[j]: .5f}  std {sd[j]:.5f}  std(ddof=1) {sd1[j]:.5f}  var {vr[j]:.5f}")

# Normalise (z-scores) and check the result.
z = (data - mu) / sd
print("z mean ~ 0:", (abs(z.mean(axis=0)) < 1e-12).all(), " z std:", z.std(axis=0).round(12))

# Missing values: every 7th value of column 1 and a block in column 3.
holes = data.copy()
holes[::7, 1] = nan
holes[100:120, 3] = nan
print("missing per column", isnan(holes).sum(axis=0))
print("plain mean", mean(holes, axis=0).round(5))
print("nanmean   ", nanmean(holes, axis=0).round(5))
print("nanmin    ", nanmin(holes, axis=0).round(5), "nanmax", nanmax(holes, axis=0).round(5))
filled = where(isnan(holes), nanmean(holes, axis=0), holes)
print("filled has nan:", isnan(filled).any(), " sum", nansum(holes).round(6), filled.sum().round(6))

# Cumulative sums and differences.
c = cumsum(z, axis=0)
print("cumulative z returns to 0:", (abs(c[-1]) < 1e-9).all())
print("max running excursion", abs(c).max(axis=0).round(4), "at", abs(c).argmax(axis=0))
d = diff(data, axis=0)
print("mean abs step", abs(d).mean(axis=0).round(5))

# Masks and clipping.
outliers = abs(z) > 1.5
print("outliers per column", count_nonzero(outliers, axis=0), "rows with any", outliers.any(axis=1).sum())
clipped = clip(z, -1.5, 1.5)
print(f"clipped range [{clipped.min():.1f}, {clipped.max():.1f}], changed {count_nonzero(clipped != z)}")
pos = data[data[:, 0] > 0, 0]
print(f"col 0 positive: {pos.size} values, mean {pos.mean():.5f}")

# Correlation-like score between columns via matmul of z-scores.
corr = (z.T @ z) / rows
print("correlation matrix")
print(corr.round(4))
print(f"summary: {rows} rows x {cols} cols, grand mean {data.mean():.6f}, grand std {data.std():.6f}")
