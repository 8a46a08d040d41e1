import numpy as np
"""Elementary cellular automata (Wolfram rules) with integer bit arithmetic."""


def step(cells, rule):
    """Next generation: neighbourhood code 4*left + 2*centre + right selects a rule bit."""
    left = np.roll(cells, 1)
    right = np.roll(cells, -1)
    code = (left << 2) | (cells << 1) | right
    return (rule >> code) & 1


def run(rule, width=31, steps=15):
    cells = np.zeros(width, dtype=np.int64)
    cells[width // 2] = 1
    history = np.zeros((steps + 1, width), dtype=np.int64)
    history[0] = cells
    for t in range(1, steps + 1):
        cells = step(cells, rule)
        history[t] = cells
    return history


for rule in (30, 90, 110):
    h = run(rule)
    print(f"rule {rule}: live cells per row {h.sum(axis=1)[:8]} ... total {h.sum()}")
h = run(30, steps=12)
for row in h[:6]:
    print(row[9:22])
centre = run(30, width=61, steps=30)[:, 30]
bits = centre[:16]
value = (bits * 2 ** np.arange(15, -1, -1)).sum()
print(bits, value, hex(int(value)))
print(np.all(run(90, steps=7)[7] == run(90, steps=7)[7][::-1]))
