import numpy as np
"""A data-pipeline style report: per-station statistics formatted as a text table."""
STATIONS = ("north", "east", "south", "west")


def load_station(k, n=48):
    """Synthetic hourly temperatures for station k (deterministic)."""
    hours = np.arange(n)
    return 10.0 + 2.0 * k + 6.0 * np.sin(2 * np.pi * (hours - 6 * k) / 24) + 0.25 * np.cos(1.7 * hours * (k + 1))


def summarize(series, threshold=12.0):
    above = series > threshold
    longest = 0
    run = 0
    for flag in above:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return series.mean(), series.min(), series.max(), int(above.sum()), longest


header = f"{'station':<8}{'mean':>8}{'min':>8}{'max':>8}{'hours>12':>10}{'run':>5}"
print(header)
print("-" * len(header))
means = np.zeros(len(STATIONS))
for k in range(len(STATIONS)):
    name = STATIONS[k]
    mean, lo, hi, count, longest = summarize(load_station(k))
    means[k] = mean
    print(f"{name:<8}{mean:8.3f}{lo:8.3f}{hi:8.3f}{count:10d}{longest:5d}")
print("-" * len(header))
print("means: " + ", ".join(f"{m:.2f}" for m in means))
print("rounded:", round(means[0]), round(means[-1]), round(float(means[1]), 1))
warmest = STATIONS[int(np.argmax(means))]
print(f"warmest station: {warmest.upper()} ({means.max():.4f})")
daily = np.stack([load_station(k).reshape(2, 24).max(axis=1) for k in range(4)])
print(np.round(daily, 3))
print("%s: %6.2f%% of hours above 12" % (STATIONS[2], 100.0 * (load_station(2) > 12).mean()))
