# test: the random namespace without the np. prefix: shapes, dtypes, reproducibility
# expect-stdout:
# | (2, 3) float64
# | (4,) float64
# | True
# | int32 (3, 4) True True
# | [3. 3.] [[-1. -1.]]
# | (3,) float64
# | True True
# | (2, 2) (3,) True
random.seed(11)
a = random.rand(2, 3)
print(a.shape, a.dtype)
b = random.randn(4)
print(b.shape, b.dtype)
random.seed(11)
a2 = random.rand(2, 3)
print(all(a == a2))
r = random.randint(10, 20, size=(3, 4), dtype=int32)
print(r.dtype, r.shape, bool(all(r >= 10)), bool(all(r < 20)))
print(random.normal(3.0, 0.0, size=2), random.uniform(-1.0, -1.0, size=(1, 2)))
n = random.normal(zeros(3), ones(3))
print(n.shape, n.dtype)
print(isinstance(random.rand(), float), isinstance(random.randint(4), int))
s = random.standard_normal((2, 2))
t = random.random(3)
print(s.shape, t.shape, bool(all(t < 1.0)))
