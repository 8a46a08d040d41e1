import numpy as np
"""Masked ocean fields: land points, fill values, and masked means."""
FILL = -999.0
ny, nx = 6, 10
j = np.arange(ny)[:, np.newaxis]
i = np.arange(nx)[np.newaxis, :]
depth = 4000.0 * np.sin(np.pi * (i + 0.5) / nx) * np.cos(0.4 * (j - 2)) - 800.0
land = depth <= 0.0
print(land.astype(np.int8))
print(f"ocean fraction {1 - land.mean():.3f}, {np.count_nonzero(~land)} wet points")
sst = np.where(land, FILL, 25.0 - 3.0 * j + 0.1 * i)
print(sst[:2])
valid = sst != FILL
print(f"mean over ocean {sst[valid].mean():.4f}, naive mean {sst.mean():.4f}")
sst_nan = np.where(valid, sst, np.nan)
print(np.round(np.nanmean(sst_nan, axis=1), 4))
print(np.nanmax(sst_nan), np.nanmin(sst_nan), np.isnan(sst_nan).sum())
interior = sst[1:-1, 1:-1]
interior[interior < 20.0] += 100.0
print(sst[1:4, :5])
coast = ~land & (np.roll(land, 1, axis=1) | np.roll(land, -1, axis=1) | np.roll(land, 1, axis=0) | np.roll(land, -1, axis=0))
print(coast.sum(), np.where(coast[2])[0])
depth[land] = 0.0
depth = np.clip(depth, 0.0, 3000.0)
print(np.round(depth[2], 1))
vol = np.sum(depth * 1e4 * ~land)
print(f"volume {vol:.6e}", np.all(depth[land] == 0))
