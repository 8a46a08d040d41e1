# test: docstrings and passing asserts
# expect-stdout:
# | ok 3.0
"""Module docstring."""
def f(x):
    """Twice x."""
    return 2 * x
assert f(2) == 4, "f is wrong"
assert (f(arange(3)) == array([0, 2, 4])).all()
print("ok", f(1.5))
