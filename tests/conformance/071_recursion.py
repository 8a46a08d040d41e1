import numpy as np
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)
print(fact(10))
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(15))
def power_sum(a, n):
    if n == 0:
        return np.zeros_like(a)
    return a ** n + power_sum(a, n - 1)
print(power_sum(np.arange(4), 3))
def gcd(a, b):
    return a if b == 0 else gcd(b, a % b)
print(gcd(84, 36))
