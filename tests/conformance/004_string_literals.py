import numpy as np
s = "double"
t = 'single'
u = """triple
quoted"""
print(s, t)
print(u)
print("tab\tsep", 'quote\'s', "back\\slash")
print("a" + "b", "ab" * 3)
print("newline\nsplit")
print('''also triple''')
