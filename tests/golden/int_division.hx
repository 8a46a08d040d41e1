# test: floor division and modulo with negatives and by zero
# expect-stdout:
# | [ 3 -4 -4  3] [ 1  1 -1 -1]
# | [0 0] [0 0]
# | [ 3. -4.] [1.5 0.5]
# | [ inf -inf  nan]
# | -4 1
a = array([7, -7, 7, -7])
b = array([2, 2, -2, -2])
print(a // b, a % b)
print(array([5, -5]) // 0, array([5, -5]) % 0)
print(array([7.5, -7.5]) // 2, array([7.5, -7.5]) % 2)
print(array([1.0, -1.0, 0.0]) / 0)
print(-7 // 2, -7 % 2)
