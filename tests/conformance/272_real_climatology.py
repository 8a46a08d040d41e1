import numpy as np
"""Monthly climatology, anomalies and a linear trend from a synthetic station record."""
N_YEARS = 6
MONTHS = 12


def synthetic_record(n_years, base=14.0, amplitude=8.0, trend_per_decade=0.2):
    t = np.arange(n_years * MONTHS)
    seasonal = -amplitude * np.cos(2 * np.pi * t / MONTHS)
    trend = trend_per_decade * t / (10 * MONTHS)
    wiggle = 0.3 * np.sin(0.37 * t) * np.cos(0.11 * t)
    return t, base + seasonal + trend + wiggle


def climatology(series):
    table = series.reshape(-1, MONTHS)
    return table.mean(axis=0), table.std(axis=0, ddof=1)


def linear_fit(x, y):
    """Least-squares slope and intercept, written out with sums."""
    xm, ym = x.mean(), y.mean()
    slope = ((x - xm) * (y - ym)).sum() / ((x - xm) ** 2).sum()
    return slope, ym - slope * xm


t, temp = synthetic_record(N_YEARS)
clim, spread = climatology(temp)
anom = temp - np.tile(clim, N_YEARS)
print(temp.shape, clim.shape)
print("climatology:", np.round(clim, 3))
print("spread:     ", np.round(spread, 3))
annual = temp.reshape(N_YEARS, MONTHS).mean(axis=1)
print("annual means:", np.round(annual, 4))
slope, intercept = linear_fit(t / MONTHS, anom)
print(f"trend {slope * 10:+.4f} K/decade, intercept {intercept:+.4f} K")
warm = anom > 0.25
print(f"{warm.sum()} warm months; first at index {np.argmax(warm)}; largest anomaly {anom.max():.4f} at {anom.argmax()}")
running = np.cumsum(anom)
print(np.round(running[MONTHS - 1::MONTHS], 4))
djf = np.concatenate([clim[-1:], clim[:2]]).mean()
jja = clim[5:8].mean()
print(f"DJF {djf:.3f}  JJA {jja:.3f}  range {jja - djf:.3f}")
