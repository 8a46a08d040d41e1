# test: f-strings with format specs, % formatting, print sep/end
# expect-stdout:
# | 3.14|   3.142|3.141590e+00|00042|ff|25.0%
# | sum=6 mean=1.500 shape=(4,)
# | 3 items, 3.142, ok
# | 1, 2, 3;
# | no newline -- joined
x = 3.14159
a = arange(4)
print(f"{x:.2f}|{x:8.3f}|{x:e}|{42:05d}|{255:x}|{0.25:.1%}")
print(f"sum={a.sum()} mean={a.mean():.3f} shape={a.shape}")
print("%d items, %.3f, %s" % (3, x, "ok"))
print(1, 2, 3, sep=", ", end=";\n")
print("no newline", end="")
print(" -- joined")
