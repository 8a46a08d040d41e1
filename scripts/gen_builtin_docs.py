#!/usr/bin/env python3
"""Writes stdlib/docs/builtins.toml, the `:help` text of every builtin.

Entries are grouped by family (ufuncs, reductions, ...) whose signature and example
follow one pattern; everything else is written out below. tests/builtin_docs.rs checks
that every registered builtin has an entry and that every example runs. Edit this
script, not the generated file, then run it from the repository root.
"""
import json

D = {}

def doc(name, sig, summary, example):
    D[name] = (sig, summary, example)

# -- ufuncs -------------------------------------------------------------------------------
UNARY = {
    "abs": "Absolute value, elementwise.", "absolute": "Absolute value, elementwise (alias of abs).",
    "fabs": "Absolute value as a float, elementwise.", "sign": "Sign (-1, 0 or 1), elementwise.",
    "sqrt": "Square root, elementwise.", "cbrt": "Cube root, elementwise.", "square": "Square, elementwise.",
    "reciprocal": "Reciprocal 1/x, elementwise.", "exp": "Exponential e**x, elementwise.",
    "exp2": "Power of two 2**x, elementwise.", "expm1": "exp(x) - 1, accurate near 0.",
    "log": "Natural logarithm, elementwise.", "log2": "Base-2 logarithm, elementwise.",
    "log10": "Base-10 logarithm, elementwise.", "log1p": "log(1 + x), accurate near 0.",
    "sin": "Sine (radians), elementwise.", "cos": "Cosine (radians), elementwise.", "tan": "Tangent, elementwise.",
    "arcsin": "Inverse sine, elementwise.", "asin": "Inverse sine (alias of arcsin).",
    "arccos": "Inverse cosine, elementwise.", "acos": "Inverse cosine (alias of arccos).",
    "arctan": "Inverse tangent, elementwise.", "atan": "Inverse tangent (alias of arctan).",
    "sinh": "Hyperbolic sine.", "cosh": "Hyperbolic cosine.", "tanh": "Hyperbolic tangent.",
    "arcsinh": "Inverse hyperbolic sine.", "asinh": "Inverse hyperbolic sine (alias of arcsinh).",
    "arccosh": "Inverse hyperbolic cosine (x >= 1).", "acosh": "Inverse hyperbolic cosine (alias of arccosh).",
    "arctanh": "Inverse hyperbolic tangent (|x| < 1).", "atanh": "Inverse hyperbolic tangent (alias of arctanh).",
    "deg2rad": "Degrees to radians.", "radians": "Degrees to radians (alias of deg2rad).",
    "rad2deg": "Radians to degrees.", "degrees": "Radians to degrees (alias of rad2deg).",
    "floor": "Round down to an integral value.", "ceil": "Round up to an integral value.",
    "trunc": "Round toward zero.", "fix": "Round toward zero (alias of trunc).",
    "rint": "Round to the nearest integer, halves to even.", "isnan": "True where the value is NaN.",
    "isinf": "True where the value is +inf or -inf.", "isfinite": "True where the value is neither inf nor NaN.",
    "signbit": "True where the sign bit is set (including -0.0).", "logical_not": "Logical NOT, elementwise.",
    "negative": "Negation -x, elementwise.", "positive": "+x, elementwise (a copy).",
    "invert": "Bitwise NOT of integers and booleans.", "bitwise_not": "Bitwise NOT (alias of invert).",
    "bitwise_invert": "Bitwise NOT (alias of invert).",
}
INT_UNARY = {"invert", "bitwise_not", "bitwise_invert"}
for n, s in UNARY.items():
    if n in INT_UNARY:
        ex = f"{n}(arange(4, dtype=uint8))"
    elif n in ("arccosh", "acosh"):
        ex = f"{n}(linspace(1, 3, 3))"
    elif n in ("deg2rad", "radians"):
        ex = f"{n}(array([0.0, 90.0, 180.0]))"
    else:
        ex = f"{n}(array([-0.5, 0.25, 0.75]))" if n not in ("sqrt", "log", "log2", "log10") else f"{n}(array([1.0, 2.0, 4.0]))"
    doc(n, f"{n}(x, /, out=None, *, dtype=None)", s + " A ufunc: broadcasts, follows NumPy's dtype rules, fuses into kernels.", ex)

BINARY = {
    "add": "x1 + x2", "subtract": "x1 - x2", "multiply": "x1 * x2", "divide": "x1 / x2 (true division)",
    "true_divide": "x1 / x2 (alias of divide)", "floor_divide": "x1 // x2", "mod": "x1 % x2 (Python's sign rule)",
    "remainder": "x1 % x2 (alias of mod)", "fmod": "C fmod: remainder with the sign of x1", "power": "x1 ** x2",
    "pow": "x1 ** x2 (alias of power)", "maximum": "elementwise maximum, propagating NaN",
    "minimum": "elementwise minimum, propagating NaN", "fmax": "elementwise maximum, ignoring NaN",
    "fmin": "elementwise minimum, ignoring NaN", "arctan2": "arc tangent of x1/x2 using both signs",
    "atan2": "arc tangent of x1/x2 (alias of arctan2)", "hypot": "sqrt(x1**2 + x2**2) without overflow",
    "copysign": "x1 with the sign of x2", "logical_and": "logical AND", "logical_or": "logical OR",
    "logical_xor": "logical XOR", "bitwise_and": "x1 & x2", "bitwise_or": "x1 | x2", "bitwise_xor": "x1 ^ x2",
    "left_shift": "x1 << x2", "right_shift": "x1 >> x2", "greater": "x1 > x2", "greater_equal": "x1 >= x2",
    "less": "x1 < x2", "less_equal": "x1 <= x2", "equal": "x1 == x2", "not_equal": "x1 != x2",
}
for n, s in BINARY.items():
    doc(n, f"{n}(x1, x2, /, out=None, *, dtype=None)", f"Elementwise {s}. A ufunc: broadcasts x1 against x2 and follows NumPy's promotion rules.", f"{n}(arange(1, 5), 2)")

# -- reductions ---------------------------------------------------------------------------
RED = {
    "sum": "Sum of elements over an axis (pairwise summation, as NumPy).", "prod": "Product of elements over an axis.",
    "product": "Product of elements (alias of prod).", "mean": "Arithmetic mean over an axis.",
    "var": "Variance over an axis (ddof=0 by default).", "std": "Standard deviation over an axis (ddof=0 by default).",
    "min": "Minimum over an axis (NaN propagates).", "max": "Maximum over an axis (NaN propagates).",
    "amin": "Minimum over an axis (alias of min).", "amax": "Maximum over an axis (alias of max).",
    "argmin": "Index of the minimum over an axis.", "argmax": "Index of the maximum over an axis.",
    "any": "True if any element over an axis is true.", "all": "True if every element over an axis is true.",
    "count_nonzero": "Number of non-zero elements over an axis.", "nansum": "Sum treating NaN as zero.",
    "nanprod": "Product treating NaN as one.", "nanmean": "Mean ignoring NaN.", "nanvar": "Variance ignoring NaN.",
    "nanstd": "Standard deviation ignoring NaN.", "nanmin": "Minimum ignoring NaN.", "nanmax": "Maximum ignoring NaN.",
    "nanargmin": "Index of the minimum ignoring NaN.", "nanargmax": "Index of the maximum ignoring NaN.",
    "ptp": "Peak to peak: max - min over an axis.", "average": "Mean over an axis, optionally weighted.",
}
for n, s in RED.items():
    extra = ", ddof=0" if n in ("var", "std", "nanvar", "nanstd") else ""
    if n in ("argmin", "argmax", "nanargmin", "nanargmax"):
        sig = f"{n}(a, axis=None, out=None, *, keepdims=False)"
    elif n == "count_nonzero":
        sig = f"{n}(a, axis=None, *, keepdims=False)"
    elif n == "average":
        sig = f"{n}(a, axis=None, weights=None, returned=False, *, keepdims=False)"
    else:
        sig = f"{n}(a, axis=None, dtype=None, out=None, keepdims=False{extra}, initial=None, where=None)"
    ex = f"{n}(array([[1.0, nan], [3.0, 4.0]]), axis=0)" if n.startswith("nan") else f"{n}(arange(6).reshape(2, 3), axis=0)"
    doc(n, sig, s, ex)
for n in ["sum", "prod", "mean", "var", "std", "min", "max", "argmin", "argmax", "any", "all", "ptp"]:
    sig = D[n][0].replace(f"{n}(a, ", f"a.{n}(").replace(f"{n}(a)", f"a.{n}()")
    doc(f"ndarray.{n}", sig, RED[n] + " The method form of " + n + "().", f"arange(6).reshape(2, 3).{n}(axis=1)")

for n, s in {"cumsum": "Cumulative sum along an axis (flattened when axis is None).",
             "cumprod": "Cumulative product along an axis.", "nancumsum": "Cumulative sum treating NaN as zero.",
             "nancumprod": "Cumulative product treating NaN as one."}.items():
    doc(n, f"{n}(a, axis=None, dtype=None, out=None)", s, f"{n}(array([1.0, 2.0, nan, 4.0]))")
for n in ["cumsum", "cumprod"]:
    doc(f"ndarray.{n}", f"a.{n}(axis=None, dtype=None, out=None)", D[n][1], f"arange(1, 5).{n}()")
doc("diff", "diff(a, n=1, axis=-1, prepend=None, append=None)", "n-th discrete difference along an axis.", "diff(array([1, 4, 9, 16]))")

# -- creation -----------------------------------------------------------------------------
doc("array", "array(object, dtype=None, *, copy=True, ndmin=0)", "An array from nested tuples/lists, scalars or another array (copied).", "array([[1, 2], [3, 4]], dtype=float32)")
doc("asarray", "asarray(a, dtype=None)", "An array view of the input (no copy when it is already an array of that dtype).", "asarray((1, 2, 3))")
doc("copy", "copy(a)", "A copy of an array.", "copy(arange(3))")
doc("ndarray.copy", "a.copy()", "A copy of the array (views share storage, copies do not).", "arange(3).copy()")
doc("zeros", "zeros(shape, dtype=float64)", "An array of zeros.", "zeros((2, 3))")
doc("ones", "ones(shape, dtype=float64)", "An array of ones.", "ones(3, dtype=int32)")
doc("empty", "empty(shape, dtype=float64)", "An uninitialised array (hpxl fills it with zeros).", "empty(2)")
doc("full", "full(shape, fill_value, dtype=None)", "An array filled with one value.", "full((2, 2), 7.5)")
doc("zeros_like", "zeros_like(a, dtype=None)", "Zeros with the shape and dtype of a.", "zeros_like(arange(3))")
doc("ones_like", "ones_like(a, dtype=None)", "Ones with the shape and dtype of a.", "ones_like(arange(3.0))")
doc("empty_like", "empty_like(a, dtype=None)", "An uninitialised array like a (zeros in hpxl).", "empty_like(arange(3))")
doc("full_like", "full_like(a, fill_value, dtype=None)", "An array like a filled with one value.", "full_like(arange(3), 9)")
doc("arange", "arange([start,] stop[, step], dtype=None)", "Evenly spaced values in [start, stop) with a step (a fused generator).", "arange(0, 1, 0.25)")
doc("linspace", "linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0)", "num evenly spaced numbers over [start, stop] (a fused generator).", "linspace(0, 1, 5)")
doc("eye", "eye(N, M=None, k=0, dtype=float64)", "A 2-D array with ones on the k-th diagonal.", "eye(3, k=1)")
doc("identity", "identity(n, dtype=float64)", "The n x n identity matrix.", "identity(2)")

# -- math and friends ---------------------------------------------------------------------
doc("where", "where(condition, x=None, y=None)", "Elements of x where condition is true, else of y (broadcast together).", "where(arange(5) > 2, 1.0, -1.0)")
doc("clip", "clip(a, a_min, a_max, out=None)", "Limits values to [a_min, a_max].", "clip(arange(6), 1, 4)")
doc("ndarray.clip", "a.clip(min=None, max=None)", "Limits values to [min, max].", "arange(6).clip(1, 4)")
doc("round", "round(a, decimals=0, out=None)", "Rounds to the given number of decimals (halves to even).", "round(array([1.25, 2.5, -0.5]), 1)")
doc("around", "around(a, decimals=0, out=None)", "Rounds to the given number of decimals (alias of round).", "around(array([0.5, 1.5, 2.567]), 2)")
doc("ndarray.round", "a.round(decimals=0)", "Rounds to the given number of decimals.", "array([1.234, 5.678]).round(1)")
doc("isclose", "isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)", "Elementwise |a - b| <= atol + rtol * |b|.", "isclose(array([1.0, 2.0]), array([1.0, 2.1]))")
doc("allclose", "allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)", "True if isclose holds everywhere.", "allclose(arange(3.0), array([0.0, 1.0, 2.0000001]))")
doc("array_equal", "array_equal(a1, a2, equal_nan=False)", "True if both have the same shape and elements.", "array_equal(arange(3), array([0, 1, 2]))")
doc("nonzero", "nonzero(a)", "A tuple of index arrays, one per dimension, where a is non-zero.", "nonzero(array([0, 3, 0, 5]))")
doc("ndarray.nonzero", "a.nonzero()", "A tuple of index arrays where the array is non-zero.", "array([[0, 1], [2, 0]]).nonzero()")
doc("nan_to_num", "nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)", "Replaces NaN and infinities with finite numbers.", "nan_to_num(array([nan, inf, -inf, 1.0]))")
doc("dtype", "dtype(name)", "The dtype object named by a string or type.", "dtype('float32')")

# -- shape ------------------------------------------------------------------------------
SHAPE = [
    ("reshape", "reshape(a, shape)", "A view with a new shape when the layout allows, else a copy (-1 infers one dimension).", "reshape(arange(6), (2, 3))"),
    ("ndarray.reshape", "a.reshape(*shape)", "A view with a new shape when possible, else a copy.", "arange(6).reshape(3, -1)"),
    ("ravel", "ravel(a)", "A flattened 1-D view (or copy).", "ravel(arange(6).reshape(2, 3))"),
    ("ndarray.ravel", "a.ravel()", "A flattened 1-D view (or copy).", "arange(6).reshape(2, 3).ravel()"),
    ("ndarray.flatten", "a.flatten()", "A flattened 1-D copy.", "arange(4).reshape(2, 2).flatten()"),
    ("transpose", "transpose(a, axes=None)", "Permutes the dimensions (reverses them by default); a view.", "transpose(arange(6).reshape(2, 3))"),
    ("ndarray.transpose", "a.transpose(*axes)", "Permutes the dimensions; a view.", "arange(6).reshape(2, 3).transpose()"),
    ("swapaxes", "swapaxes(a, axis1, axis2)", "Interchanges two axes; a view.", "swapaxes(arange(6).reshape(2, 3), 0, 1).shape"),
    ("ndarray.swapaxes", "a.swapaxes(axis1, axis2)", "Interchanges two axes; a view.", "arange(6).reshape(1, 2, 3).swapaxes(0, 2).shape"),
    ("moveaxis", "moveaxis(a, source, destination)", "Moves axes to new positions; a view.", "moveaxis(zeros((2, 3, 4)), 0, -1).shape"),
    ("expand_dims", "expand_dims(a, axis)", "Inserts a length-1 axis.", "expand_dims(arange(3), 0).shape"),
    ("squeeze", "squeeze(a, axis=None)", "Removes length-1 axes.", "squeeze(zeros((1, 3, 1))).shape"),
    ("ndarray.squeeze", "a.squeeze(axis=None)", "Removes length-1 axes.", "zeros((1, 3)).squeeze().shape"),
    ("broadcast_to", "broadcast_to(array, shape)", "A read-only view broadcast to a shape.", "broadcast_to(arange(3), (2, 3))"),
    ("concatenate", "concatenate(arrays, axis=0)", "Joins arrays along an existing axis.", "concatenate((arange(2), arange(3)))"),
    ("stack", "stack(arrays, axis=0)", "Joins arrays along a new axis.", "stack((arange(3), arange(3)), axis=1)"),
    ("vstack", "vstack(tup)", "Stacks arrays vertically (row-wise).", "vstack((arange(3), arange(3)))"),
    ("hstack", "hstack(tup)", "Stacks arrays horizontally (column-wise).", "hstack((arange(2), arange(3)))"),
    ("flip", "flip(m, axis=None)", "Reverses the order of elements along an axis; a view.", "flip(arange(4))"),
    ("fliplr", "fliplr(m)", "Reverses the columns of a 2-D array.", "fliplr(arange(4).reshape(2, 2))"),
    ("flipud", "flipud(m)", "Reverses the rows of an array.", "flipud(arange(4).reshape(2, 2))"),
    ("roll", "roll(a, shift, axis=None)", "Rotates elements along an axis.", "roll(arange(5), 2)"),
    ("tile", "tile(A, reps)", "Repeats a whole array reps times.", "tile(arange(3), 2)"),
    ("repeat", "repeat(a, repeats, axis=None)", "Repeats each element.", "repeat(arange(3), 2)"),
    ("ndarray.repeat", "a.repeat(repeats, axis=None)", "Repeats each element.", "arange(3).repeat(2)"),
    ("atleast_1d", "atleast_1d(*arys)", "Views with at least one dimension.", "atleast_1d(5.0)"),
    ("atleast_2d", "atleast_2d(*arys)", "Views with at least two dimensions.", "atleast_2d(arange(3)).shape"),
    ("meshgrid", "meshgrid(*xi, indexing='xy')", "Coordinate matrices from coordinate vectors.", "meshgrid(arange(3), arange(2))"),
    ("ndarray.astype", "a.astype(dtype)", "A copy converted to a dtype (NumPy's casting: float to int truncates).", "array([1.7, -2.5]).astype(int32)"),
    ("ndarray.fill", "a.fill(value)", "Fills the array with a value, in place.", "a = zeros(3)\na.fill(2.5)\na"),
    ("ndarray.item", "a.item(*args)", "The element as a Python scalar.", "arange(6).reshape(2, 3).item(4)"),
    ("shape", "shape(a)", "The shape of an array, as a tuple.", "shape(zeros((2, 3)))"),
    ("ndim", "ndim(a)", "The number of dimensions.", "ndim(zeros((2, 3)))"),
    ("size", "size(a, axis=None)", "The number of elements (along an axis).", "size(zeros((2, 3)))"),
    ("ndarray.tolist", "a.tolist()", "Not supported: hpxl has no Python lists (list displays are arrays); use the array itself.", "arange(3).tolist()"),
]
for n, sig, s, ex in SHAPE:
    doc(n, sig, s, ex)

# -- linalg ------------------------------------------------------------------------------
doc("dot", "dot(a, b, out=None)", "Dot product: matrix product for 2-D, inner product for 1-D.", "dot(arange(3), arange(3))")
doc("ndarray.dot", "a.dot(b)", "Dot product with b.", "arange(4).reshape(2, 2).dot(ones(2))")
doc("matmul", "matmul(x1, x2, /)", "Matrix product (the @ operator), broadcasting over stacks.", "matmul(eye(2), arange(4.0).reshape(2, 2))")
doc("inner", "inner(a, b)", "Inner product over the last axes.", "inner(arange(3), arange(3))")
doc("outer", "outer(a, b)", "Outer product of two vectors.", "outer(arange(3), arange(2))")
doc("linalg.norm", "linalg.norm(x, ord=None, axis=None, keepdims=False)", "Matrix or vector norm (numpy.linalg.norm).", "np.linalg.norm(array([3.0, 4.0]))")
doc("linalg.solve", "linalg.solve(a, b)", "Solves a @ x = b (LU with partial pivoting); a singular a is E0600.", "linalg.solve(array([[2.0, 1.0], [1.0, 3.0]]), array([3.0, 5.0]))")
doc("linalg.inv", "linalg.inv(a)", "The inverse of a square matrix.", "linalg.inv(array([[2.0, 0.0], [0.0, 4.0]]))")
doc("linalg.det", "linalg.det(a)", "The determinant of a square matrix.", "linalg.det(array([[1.0, 2.0], [3.0, 4.0]]))")

# -- order statistics ---------------------------------------------------------------------
doc("sort", "sort(a, axis=-1, kind=None, order=None, *, stable=None)", "A sorted copy (stable radix sort; NaN last).", "sort(array([3, 1, 2]))")
doc("ndarray.sort", "a.sort(axis=-1, kind=None)", "Sorts the array in place.", "a = array([3.0, 1.0, 2.0])\na.sort()\na")
doc("argsort", "argsort(a, axis=-1, kind=None, order=None, *, stable=None)", "Indices that sort the array (stable).", "argsort(array([3, 1, 2]))")
doc("ndarray.argsort", "a.argsort(axis=-1, kind=None)", "Indices that sort the array (stable).", "array([3, 1, 2]).argsort()")
doc("median", "median(a, axis=None, out=None, overwrite_input=False, keepdims=False)", "Median along an axis (by selection, not sorting).", "median(array([5.0, 1.0, 3.0, 2.0]))")
doc("nanmedian", "nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False)", "Median ignoring NaN.", "nanmedian(array([5.0, nan, 3.0]))")
for n, q in [("percentile", "50"), ("nanpercentile", "50"), ("quantile", "0.5"), ("nanquantile", "0.5")]:
    what = "q-th percentile (q in 0..100)" if "percentile" in n else "q-th quantile (q in 0..1)"
    nan = ", ignoring NaN" if n.startswith("nan") else ""
    doc(n, f"{n}(a, q, axis=None, out=None, overwrite_input=False, method='linear', keepdims=False, *, weights=None)", f"The {what}{nan}; all 13 of NumPy's methods.", f"{n}(array([1.0, 2.0, 3.0, 4.0]), {q})")
doc("mad", "mad(a, axis=None, scale=1.0)", "Median absolute deviation: median(|a - median(a)|) * scale.", "mad(array([1.0, 2.0, 3.0, 4.0, 100.0]))")
doc("unique", "unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None)", "The sorted unique elements (optionally with indices and counts).", "unique(array([3, 1, 3, 2, 1]))")

# -- rolling windows ------------------------------------------------------------------------
for stat, s in {"sum": "sum", "mean": "mean", "var": "variance (ddof=1)", "std": "standard deviation (ddof=1)",
                "min": "minimum", "max": "maximum", "median": "median", "mad": "median absolute deviation"}.items():
    n = f"rolling_{stat}"
    ddof = ", ddof=1" if stat in ("var", "std") else ""
    doc(n, f"{n}(a, window{ddof})", f"Rolling {s} over the last axis with pandas' semantics (the first window-1 results are NaN; a window holding NaN is NaN).", f"{n}(arange(6.0), 3)")

# -- random ---------------------------------------------------------------------------------
R = [
    ("random.seed", "random.seed(seed=None)", "Seeds the session's Philox stream (results do not depend on threads).", "random.seed(42)"),
    ("random.rand", "random.rand(d0, d1, ...)", "Uniform [0, 1) values of the given shape (a float for no arguments).", "random.seed(0)\nrandom.rand(3)"),
    ("random.randn", "random.randn(d0, d1, ...)", "Standard normal values of the given shape.", "random.seed(0)\nrandom.randn(2, 2)"),
    ("random.random", "random.random(size=None)", "Uniform [0, 1) values.", "random.random(3)"),
    ("random.random_sample", "random.random_sample(size=None)", "Uniform [0, 1) values (alias of random.random).", "random.random_sample((2, 2))"),
    ("random.sample", "random.sample(size=None)", "Uniform [0, 1) values (alias of random.random).", "random.sample(2)"),
    ("random.ranf", "random.ranf(size=None)", "Uniform [0, 1) values (alias of random.random).", "random.ranf(2)"),
    ("random.standard_normal", "random.standard_normal(size=None)", "Standard normal values.", "random.standard_normal(3)"),
    ("random.uniform", "random.uniform(low=0.0, high=1.0, size=None)", "Uniform values in [low, high).", "random.uniform(-1, 1, size=3)"),
    ("random.normal", "random.normal(loc=0.0, scale=1.0, size=None)", "Normal values with mean loc and standard deviation scale.", "random.normal(10.0, 2.0, size=3)"),
    ("random.randint", "random.randint(low, high=None, size=None, dtype=int64)", "Integers in [low, high).", "random.randint(0, 10, size=5)"),
]
for n, sig, s, ex in R:
    doc(n, sig, s, ex)

# -- io ------------------------------------------------------------------------------------
doc("load", "load(file, mmap_mode=None, allow_pickle=False)", "Reads a .npy array or a .npz archive (a dict of arrays).", "save('/tmp/hpxl-help-load.npy', arange(3))\nload('/tmp/hpxl-help-load.npy')")
doc("save", "save(file, arr, allow_pickle=True, fix_imports=True)", "Writes one array as a .npy file, byte for byte as NumPy.", "save('/tmp/hpxl-help-save.npy', arange(3))")
doc("savez", "savez(file, *args, **kwds)", "Writes several arrays into an uncompressed .npz archive.", "savez('/tmp/hpxl-help-savez.npz', x=arange(3), y=ones(2))")
doc("savez_compressed", "savez_compressed(file, *args, **kwds)", "Writes several arrays into a deflate-compressed .npz archive.", "savez_compressed('/tmp/hpxl-help-savezc.npz', x=arange(3))")
doc("loadtxt", "loadtxt(fname, dtype=float, comments='#', delimiter=None, skiprows=0, usecols=None, unpack=False, ndmin=0, max_rows=None)", "Reads a text table (CSV and friends) with NumPy's rules.", "savetxt('/tmp/hpxl-help-loadtxt.csv', eye(2), delimiter=',')\nloadtxt('/tmp/hpxl-help-loadtxt.csv', delimiter=',')")
doc("savetxt", "savetxt(fname, X, fmt='%.18e', delimiter=' ', newline='\\n', header='', footer='', comments='# ', encoding=None)", "Writes a 1-D or 2-D array as text, as NumPy writes it.", "savetxt('/tmp/hpxl-help-savetxt.txt', arange(3.0), fmt='%.2f')")

# -- Python builtins -------------------------------------------------------------------------
PY = [
    ("print", "print(*objects, sep=' ', end='\\n')", "Prints values (arrays as NumPy prints them); realises the arrays it prints.", "print('x =', arange(3))"),
    ("range", "range(start, stop[, step])", "A range of integers (loops over it run on the host).", "tuple(range(0, 10, 3))"),
    ("len", "len(obj)", "The length of an array's first axis, a tuple or a string.", "len(zeros((4, 2)))"),
    ("int", "int(x=0)", "A Python int (truncates floats; parses strings).", "int(3.9)"),
    ("float", "float(x=0.0)", "A Python float (parses 'nan', 'inf').", "float('1e-3')"),
    ("bool", "bool(x=False)", "Truth value (an array of more than one element is ambiguous, as NumPy).", "bool(0.0)"),
    ("str", "str(object='')", "The printed form of a value.", "str(arange(3))"),
    ("repr", "repr(object)", "The repr of a value, as the REPL echoes it.", "repr(arange(3))"),
    ("format", "format(value, format_spec='')", "Formats with Python's format mini-language.", "format(3.14159, '.2f')"),
    ("tuple", "tuple(iterable=())", "A tuple of the items of an iterable.", "tuple(range(3))"),
    ("list", "list(iterable=())", "A sequence of items (hpxl represents lists as tuples).", "list(range(3))"),
    ("enumerate", "enumerate(iterable, start=0)", "Pairs (index, item).", "for i, v in enumerate(arange(2.0)):\n    print(i, v)"),
    ("zip", "zip(*iterables)", "Tuples of corresponding items.", "for a, b in zip(range(2), range(5, 7)):\n    print(a, b)"),
    ("isinstance", "isinstance(object, classinfo)", "Whether a value is of a type (int, float, bool, str, tuple, ndarray).", "isinstance(3, int)"),
    ("hex", "hex(x)", "An integer in hexadecimal.", "hex(255)"),
    ("oct", "oct(x)", "An integer in octal.", "oct(8)"),
    ("bin", "bin(x)", "An integer in binary.", "bin(5)"),
    ("builtins.min", "min(*args)", "Python's min: the smallest argument (falls back to the array reduction for one array).", "min(3, 7, 5)"),
    ("builtins.max", "max(*args)", "Python's max: the largest argument (falls back to the array reduction for one array).", "max(3, 7, 5)"),
    ("builtins.round", "round(number, ndigits=None)", "Python's round: halves to even; an int without ndigits.", "round(2.5)"),
    ("builtins.abs", "abs(x)", "Python's abs (elementwise for arrays).", "abs(-3)"),
    ("builtins.all", "all(iterable)", "True if every item is true.", "all((1, True, 2.0))"),
    ("builtins.any", "any(iterable)", "True if any item is true.", "any((0, False, 3))"),
    ("time", "time()", "Seconds since the epoch as a float (for timing; also time.time()).", "t0 = time()"),
    ("time.time", "time.time()", "Seconds since the epoch as a float.", "import time\nt0 = time.time()"),
    ("time.perf_counter", "time.perf_counter()", "A clock for measuring intervals, in seconds.", "import time\nt0 = time.perf_counter()"),
    ("time.monotonic", "time.monotonic()", "A monotonic clock, in seconds.", "import time\nt0 = time.monotonic()"),
    ("realize", "realize(*arrays)", "Computes pending arrays now (together: arrays sharing inputs may share one kernel); returns None.", "a = arange(10**5) * 2.0\nrealize(a)"),
    ("threads", "threads()", "The number of worker threads (--threads, HPXL_THREADS, the calibrated config, or every core).", "threads()"),
    ("argv", "argv()", "The command line as a tuple of strings, script path first (sys.argv).", "argv()"),
    ("info", "info()", "Prints the version, backend, threads, cores and devices.", "info()"),
    ("policy", "policy(name)", "An execution policy for a with block: 'seq' runs kernels on the calling thread only, 'par' on every worker.", "with policy('seq'):\n    s = arange(100).sum()"),
]
for n, sig, s, ex in PY:
    doc(n, sig, s, ex)
for n in ["ValueError", "TypeError", "RuntimeError", "Exception", "IndexError", "KeyError", "NotImplementedError"]:
    doc(n, f"{n}(message='')", f"The {n} exception, for `raise {n}(message)` (an uncaught raise is an E0701 diagnostic).", f"e = {n}('bad input')")
for n, s, ex in [("sqrt", "Square root of a number.", "2.0"), ("exp", "e raised to x.", "1.0"), ("log", "Natural logarithm.", "10.0"),
                 ("log10", "Base-10 logarithm.", "1000.0"), ("log2", "Base-2 logarithm.", "8.0"), ("sin", "Sine (radians).", "0.5"),
                 ("cos", "Cosine (radians).", "0.5"), ("tan", "Tangent (radians).", "0.5"), ("atan", "Inverse tangent.", "1.0"),
                 ("fabs", "Absolute value as a float.", "-2"), ("floor", "Largest integer <= x, as an int.", "2.7"),
                 ("ceil", "Smallest integer >= x, as an int.", "2.1"), ("isnan", "Whether x is NaN.", "nan"),
                 ("isinf", "Whether x is infinite.", "inf"), ("isfinite", "Whether x is finite.", "1.0")]:
    doc(f"math.{n}", f"math.{n}(x)", s + " Python's math module: host scalars only.", f"import math\nmath.{n}({ex})")
doc("math.hypot", "math.hypot(x, y)", "Euclidean distance sqrt(x*x + y*y). Python's math module.", "import math\nmath.hypot(3, 4)")
doc("math.atan2", "math.atan2(y, x)", "atan(y / x) in the right quadrant. Python's math module.", "import math\nmath.atan2(1, -1)")
doc("math.pow", "math.pow(x, y)", "x raised to y as a float. Python's math module.", "import math\nmath.pow(2, 10)")
for n, sig, s, ex in [
    ("format", "s.format(*args, **kwargs)", "Formats a string with {} fields (Python's str.format).", "'{} has {:.1f}'.format('x', 2.25)"),
    ("join", "s.join(iterable)", "Joins strings with s between them.", "', '.join(('a', 'b', 'c'))"),
    ("upper", "s.upper()", "Upper-case copy.", "'abc'.upper()"),
    ("lower", "s.lower()", "Lower-case copy.", "'ABC'.lower()"),
    ("strip", "s.strip(chars=None)", "Copy without leading and trailing whitespace (or chars).", "'  x  '.strip()"),
    ("ljust", "s.ljust(width, fillchar=' ')", "Left-justified in a field of width.", "'ab'.ljust(5, '.')"),
    ("rjust", "s.rjust(width, fillchar=' ')", "Right-justified in a field of width.", "'ab'.rjust(5)"),
    ("center", "s.center(width, fillchar=' ')", "Centred in a field of width.", "'ab'.center(6, '*')"),
    ("replace", "s.replace(old, new, count=-1)", "Copy with occurrences of old replaced by new.", "'a-b-c'.replace('-', '+')"),
    ("startswith", "s.startswith(prefix)", "Whether s starts with prefix.", "'data.npy'.startswith('data')"),
    ("endswith", "s.endswith(suffix)", "Whether s ends with suffix.", "'data.npy'.endswith('.npy')"),
]:
    doc(f"str.{n}", sig, s, ex)

import sys
names = json.load(open(sys.argv[1])) if len(sys.argv) > 1 else None
out = ["# The `:help` text of every builtin: generated by scripts/gen_builtin_docs.py (edit that,",
       "# not this file). Methods are `ndarray.NAME`, string methods `str.NAME`; module members",
       "# keep their module (`linalg.norm`). tests/builtin_docs.rs runs every example.", ""]
def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'
for name in sorted(D):
    if names is not None and name not in names:
        print("not registered:", name, file=sys.stderr)
        continue
    sig, summary, ex = D[name]
    head = f"[{name}]" if all(c.isalnum() or c in "_-" for c in name) else f"[{q(name)}]"
    out += [head, f"signature = {q(sig)}", f"summary = {q(summary)}", f"example = {q(ex)}", ""]
if names is not None:
    for n in sorted(set(names) - set(D)):
        print("missing:", n, file=sys.stderr)
open("stdlib/docs/builtins.toml", "w").write("\n".join(out))
print(len(D), "entries")
