# test: linspace -> sin*exp -> sum(y*y) fuses into one reduction kernel; nothing is materialised
# kernels: 1
# expect-stdout:
# | 62.4874996776
x = linspace(0, 10, 5000)
y = sin(x) * exp(-x)
print(f"{sum(y * y):.10f}")
