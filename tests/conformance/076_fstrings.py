import numpy as np
x = 3.14159265
n = 42
print(f"x = {x}")
print(f"{x:.2f} {x:8.3f}| {x:e} {x:.3e}")
print(f"{n:5d}|{n:<5d}|{n:^5d}|{n:05d}")
print(f"{n:x} {n:b} {n:o} {n:,}")
print(f"{1234567.891:,.2f}")
print(f"{0.25:.1%}")
print(f"{'s':>4}|{'left':<6}|")
a = np.arange(3)
print(f"a = {a}, sum = {a.sum()}, mean = {a.mean():.3f}")
print(f"{a.shape} {a.dtype} {a.ndim}")
print(f"{n + 1} {n * 2:d} {{braces}}")
print(f"{np.float32(0.1):.10f}")
print(f"{x=:.2f}")
