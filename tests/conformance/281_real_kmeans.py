import numpy as np
"""Lloyd's k-means on deterministic 2-D clusters, with a convergence check on centre motion."""


def make_blobs(n_per=12):
    t = np.linspace(0.0, 2 * np.pi, n_per, endpoint=False)
    centres = np.array([[0.0, 0.0], [5.0, 1.0], [2.0, 6.0]])
    radius = 0.5 + 0.3 * np.cos(3 * t)
    ring = np.stack((radius * np.cos(t), radius * np.sin(t)), axis=1)
    return np.concatenate((ring + centres[0], ring + centres[1], ring + centres[2]), axis=0)


def assign(points, centres):
    d2 = ((points[:, np.newaxis, :] - centres[np.newaxis, :, :]) ** 2).sum(axis=2)
    return d2.argmin(axis=1), d2.min(axis=1).sum()


def kmeans(points, k, max_iter=100, tol=1e-10):
    centres = points[[0, 4, 20]].copy() if k == 3 else points[:k].copy()
    shift = np.inf
    it = 0
    while shift > tol and it < max_iter:
        labels, inertia = assign(points, centres)
        new = centres.copy()
        for c in range(k):
            members = labels == c
            if members.any():
                new[c] = points[members].mean(axis=0)
        shift = np.sqrt(((new - centres) ** 2).sum(axis=1)).max()
        centres = new
        it += 1
    return centres, labels, inertia, it


pts = make_blobs()
print(pts.shape, np.round(pts.mean(axis=0), 6))
centres, labels, inertia, iterations = kmeans(pts, 3)
print(f"converged in {iterations} iterations, inertia {inertia:.6f}")
print(np.round(centres, 6) + 0.0)
print(labels)
counts = (labels[:, None] == np.arange(3)).sum(axis=0)
print(counts, counts.sum() == len(pts))
