# test: stencils (shifted slices along the partition axis) become halo exchanges; the
# results are the single-process bits for any rank count.
n = 37
u = linspace(0.0, 1.0, n) ** 2
for step in range(30):
    u[2:-2] = 0.25 * (u[:-4] + u[4:]) + 0.5 * u[2:-2]
print(repr(float(u.sum())), u[::7])
g = zeros((13, 6))
g[4:9, 2:4] = 1.0
for step in range(12):
    g[1:-1, 1:-1] += 0.1 * (g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4 * g[1:-1, 1:-1])
    if step % 5 == 4:
        print(step, repr(float(g.sum())), repr(float(g.max())), g[6, 3])
print(g)
h = arange(20.0)
h[3:] = h[:-3] * 2.0 + h[3:]
print(h, (h[1:] * h[:-1]).sum())
random.seed(7)
r = random.rand(29, 4)
print(repr(float(r.sum())), r[::9], random.randint(0, 100, size=6))
x = linspace(0.0, 1.0, 1001)
print(repr(float((sin(x) ** 2 + cos(x) ** 2).sum())), repr(float((x * x).sum())))
