import numpy as np
prices = 100 + np.cumsum(np.sin(np.arange(30) * 0.7))
returns = np.diff(prices) / prices[:-1]
print(prices[:5].round(4))
print(returns.round(5)[:6])
running_max = np.maximum(prices, 0)
for i in range(1, len(running_max)):
    running_max[i] = max(running_max[i], running_max[i - 1])
dd = (prices - running_max) / running_max
print(f"max drawdown {dd.min():.4%}")
print(np.cumprod(1 + returns)[-1].round(8), (prices[-1] / prices[0]).round(8))
