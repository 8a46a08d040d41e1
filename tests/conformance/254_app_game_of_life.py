import numpy as np
g = np.zeros((8, 8), dtype=np.int64)
g[1, 2] = g[2, 3] = g[3, 1] = g[3, 2] = g[3, 3] = 1
def step(g):
    n = np.zeros_like(g)
    n[1:-1, 1:-1] = (g[:-2, :-2] + g[:-2, 1:-1] + g[:-2, 2:] + g[1:-1, :-2] + g[1:-1, 2:]
                     + g[2:, :-2] + g[2:, 1:-1] + g[2:, 2:])
    return ((n == 3) | ((g == 1) & (n == 2))).astype(np.int64)
for i in range(4):
    g = step(g)
print(g)
print(g.sum(), np.argmax(g.sum(axis=1)))
