import numpy as np
x = np.sin(np.arange(200) * 0.37) * 3 + np.cos(np.arange(200) * 0.11)
edges = np.linspace(-4, 4, 9)
counts = np.zeros(8, dtype=np.int64)
for i in range(8):
    counts[i] = np.count_nonzero((x >= edges[i]) & (x < edges[i + 1]))
print(edges)
print(counts, counts.sum())
mu = x.mean()
sd = x.std()
z = (x - mu) / sd
print(f"mean={mu:.6f} sd={sd:.6f} outliers={np.count_nonzero(np.abs(z) > 1.5)}")
