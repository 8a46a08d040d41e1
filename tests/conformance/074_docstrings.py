import numpy as np
"""Module docstring: ignored at runtime."""
def f(x):
    """Return twice x.

    Longer description.
    """
    return 2 * x
print(f(4))
def g():
    'single-quoted docstring'
    return 1
print(g())
"a bare string statement"
print("done")
