# test: rolling windows in hpxl-native code: kernels before and after the library node
# kernels: 2
# expect-stdout:
# | [nan nan  3.  5.  7.  9. 11. 13. 15. 17. 19. 21.]
x = arange(12.0)
y = rolling_mean(x * 2.0, 3) + 1.0
print(y)
