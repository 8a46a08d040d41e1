import numpy as np
x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
print(np.sinh(x))
print(np.cosh(x))
print(np.tanh(x))
print(np.tanh(np.array([100.0, -100.0])))
print(np.hypot(np.array([3.0, 5.0]), np.array([4.0, 12.0])))
print(np.hypot(3, 4))
