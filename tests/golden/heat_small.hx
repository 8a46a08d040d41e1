# test: the heat diffusion example of LANGUAGE.md section 9 at n=16
# expect-stdout:
# | total heat 61.73756487556706 max 0.9002198721662488
# | [0.     0.0856 0.2078 0.3781 0.5701 0.7375 0.8487 0.9002 0.9002 0.8487
# |  0.7375 0.5701 0.3781 0.2078 0.0856 0.    ]
n = 16
u = zeros((n, n))
u[n//4:3*n//4, n//4:3*n//4] = 1.0
for step in range(20):
    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
                            - 4 * u[1:-1, 1:-1])
print("total heat", sum(u), "max", u.max())
print(u[n // 2, :].round(4))
