# test: tabs in indentation (mixed with spaces) are an error
# expect-stdout:
# expect-error: E0002 line 7
a = arange(3)
if a.sum() > 0:
    print("spaces")
	print("tab")
