import numpy as np
x = 2.718281828
n = 7
print("%d items" % n)
print("%5.2f|%-8.3f|%e" % (x, x, x))
print("%s and %s" % ("a", "b"))
print("%03d %x %o" % (n, 255, 8))
print("%g %g" % (0.0001, 123456789.0))
print("%.3g" % x)
print("%%literal %d%%" % 50)
a = np.arange(4)
print("sum=%d mean=%.2f" % (a.sum(), a.mean()))
print("%s" % np.float64(1.5))
