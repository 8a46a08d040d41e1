#!/usr/bin/env python3
"""Generates compiler/tests/data/kernel_cases.txt: inputs and NumPy's outputs for the
interp backend's kernels (compiler/tests/interp_kernels.rs reads it; NumPy is the oracle).

Run from the repository root: python3 scripts/gen_kernel_cases.py

File format (one item per line, tokens separated by single spaces):
  def NAME DTYPE SHAPE VALUES...      a named input array
  case KIND OP key=value...          starts a case (KIND: unary binary reduce scan where matmul)
  in DTYPE SHAPE VALUES...           an input (or `in @NAME`); `inT ...` passes the transpose
  expect DTYPE SHAPE VALUES...       the expected result
  error CODE MESSAGE...              the expected error
SHAPE is `-` for 0-d, else comma-separated extents. VALUES: bool 0/1, integers in
decimal, floats as IEEE bit patterns in hex; or one token `fill:HEX` (every element
that float64 value) or `ramp:HEX:HEX` (element i = start + i*step in float64), cast to DTYPE.
Keys: loop= out= tol= (allowed ulp error) axes= (`-` = none) keepdims= ddof= axis=.
"""
import os
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
np.seterr(all="ignore")
rng = np.random.default_rng(20240601)

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64"]
FLOATS = ["float32", "float64"]

lines = []


def enc(arr):
    arr = np.array(arr, order="C")  # (ascontiguousarray would turn 0-d into 1-d)
    dt = arr.dtype
    flat = arr.reshape(-1)
    if dt == np.bool_:
        vals = ["1" if v else "0" for v in flat]
    elif dt == np.float64:
        vals = ["%016x" % v for v in flat.view(np.uint64)]
    elif dt == np.float32:
        vals = ["%08x" % v for v in flat.view(np.uint32)]
    else:
        vals = [str(int(v)) for v in flat]
    shape = "-" if arr.ndim == 0 else ",".join(str(d) for d in arr.shape)
    return " ".join([dt.name, shape] + vals)


def hexf(v):
    return "%016x" % np.array([v], dtype=np.float64).view(np.uint64)[0]


def edges(dt):
    if dt == "bool":
        return np.array([False, True])
    if dt in FLOATS:
        f = np.finfo(dt)
        vals = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, -3.0, 5.0, 0.1, -0.7, 100.0,
                1e10, -1e-30, np.inf, -np.inf, np.nan, float(f.smallest_subnormal), float(f.max),
                -float(f.smallest_normal)]
        return np.array(vals, dtype=dt)
    info = np.iinfo(dt)
    bits = info.bits
    vals = [0, 1, 2, 3, 5, 7, bits - 1, bits, 100, info.max, info.max - 1]
    if info.min < 0:
        vals += [-1, -2, -3, -7, -100, info.min, info.min + 1]
    else:
        vals += [info.max // 2 + 1, 200 if info.max >= 200 else 4]
    return np.array(vals, dtype=dt)


def randoms(dt):
    parts = [rng.uniform(-5, 5, 40), rng.uniform(-1, 1, 20), rng.exponential(3.0, 20),
             rng.uniform(1, 100, 10), np.array([1e5, -1e5, 1e15, 3e-8, -3e-8, 700.0, -700.0, 88.5, 0.99, -0.99])]
    return np.concatenate(parts).astype(dt)


def resolve(uf, dts):
    try:
        res = uf.resolve_dtypes(tuple(np.dtype(d) for d in dts) + (None,))
    except Exception:
        return None
    if any(r == np.float16 for r in res):
        return None
    return res


TRANSCENDENTAL = {"cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
                  "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
                  "arctanh", "power", "arctan2", "hypot"}

UNARY = ["negative", "positive", "invert", "logical_not", "absolute", "sign", "sqrt", "cbrt", "square",
         "reciprocal", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
         "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
         "deg2rad", "rad2deg", "floor", "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "signbit"]

BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "power",
          "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "less", "less_equal",
          "greater", "greater_equal", "equal", "not_equal", "logical_and", "logical_or", "logical_xor",
          "minimum", "maximum", "fmin", "fmax", "arctan2", "hypot", "copysign", "fmod"]


def tol(op, loop):
    return 2 if op in TRANSCENDENTAL and loop.kind == "f" else 0


def gen_unary():
    inputs = {}
    for dt in DTYPES:
        x = edges(dt)
        if dt in FLOATS:
            x = np.concatenate([x, randoms(dt)])
        inputs[dt] = x
        lines.append("def U_%s %s" % (dt, enc(x)))
    for op in UNARY:
        uf = getattr(np, op)
        for dt in DTYPES:
            res = resolve(uf, [dt])
            if res is None:
                continue
            out = uf(inputs[dt].astype(res[0]))
            lines.append("case unary %s loop=%s out=%s tol=%d" % (op, res[0].name, res[1].name, tol(op, res[0])))
            lines.append("in @U_%s" % dt)
            lines.append("expect " + enc(out))


def gen_binary():
    for dt in DTYPES:
        e = edges(dt)
        n = len(e)
        lines.append("def A_%s %s" % (dt, enc(np.repeat(e, n))))
        lines.append("def B_%s %s" % (dt, enc(np.tile(e, n))))
        if dt not in FLOATS and dt != "bool":
            exps = np.array([v for v in e if v >= 0 and v <= 130] + ([np.iinfo(dt).max] if dt != "uint64" else []),
                            dtype=dt)
            lines.append("def PA_%s %s" % (dt, enc(np.repeat(e, len(exps)))))
            lines.append("def PB_%s %s" % (dt, enc(np.tile(exps, n))))
    for op in BINARY:
        uf = getattr(np, op)
        for dt in DTYPES:
            res = resolve(uf, [dt, dt])
            if res is None:
                continue
            e = edges(dt)
            n = len(e)
            pre = "P" if op == "power" and dt not in FLOATS and dt != "bool" else ""
            a = np.repeat(e, n) if not pre else np.repeat(e, len(PEXP(dt)))
            b = np.tile(e, n) if not pre else np.tile(PEXP(dt), n)
            out = uf(a.astype(res[0]), b.astype(res[1]))
            lines.append("case binary %s loop=%s out=%s tol=%d" % (op, res[0].name, res[2].name, tol(op, res[0])))
            lines.append("in @%sA_%s" % (pre, dt))
            lines.append("in @%sB_%s" % (pre, dt))
            lines.append("expect " + enc(out))
    # Transcendental binary ops on random values.
    for op in ["power", "arctan2", "hypot", "fmod", "remainder", "floor_divide", "true_divide"]:
        uf = getattr(np, op)
        for dt in FLOATS:
            a = rng.uniform(-20, 20, 64).astype(dt)
            b = rng.uniform(-4, 4, 64).astype(dt)
            if op == "power":
                a = np.abs(a)
            lines.append("case binary %s loop=%s out=%s tol=%d" % (op, dt, dt, tol(op, np.dtype(dt))))
            lines.append("in " + enc(a))
            lines.append("in " + enc(b))
            lines.append("expect " + enc(uf(a, b)))
    # Mixed dtypes: the kernel converts both inputs to the loop dtype.
    for op, d1, d2 in [("add", "int8", "uint8"), ("add", "int64", "uint64"), ("multiply", "int32", "float32"),
                       ("add", "bool", "int8"), ("subtract", "uint8", "float32"), ("true_divide", "int64", "int64"),
                       ("floor_divide", "int16", "uint16"), ("less", "int64", "float64"), ("maximum", "uint32", "int8")]:
        uf = getattr(np, op)
        res = resolve(uf, [d1, d2])
        a = np.repeat(edges(d1), len(edges(d2)))
        b = np.tile(edges(d2), len(edges(d1)))
        out = uf(a.astype(res[0]), b.astype(res[1]))
        lines.append("case binary %s loop=%s out=%s tol=0" % (op, res[0].name, res[2].name))
        lines.append("in " + enc(a))
        lines.append("in " + enc(b))
        lines.append("expect " + enc(out))
    # Broadcasting and strided inputs.
    for sa, sb, trans in [((2, 3), (3,), False), ((2, 1, 3), (4, 1), False), ((), (2, 2), False), ((3, 1), (1, 4), False),
                          ((0, 3), (3,), False), ((4, 3), (3, 4), True), ((2, 3), (4,), False), ((5,), (), False),
                          ((3, 4), (4,), True)]:
        a = rng.uniform(-10, 10, sa).astype("float64")
        b = rng.uniform(-10, 10, sb).astype("float64")
        lines.append("case binary subtract loop=float64 out=float64 tol=0")
        if trans:
            lines.append("inT " + enc(a))
            a = a.T
        else:
            lines.append("in " + enc(a))
        lines.append("in " + enc(b))
        try:
            lines.append("expect " + enc(np.subtract(a, b)))
        except ValueError as exc:
            lines.append("error Shape " + str(exc).strip())
    # Integer power with a negative exponent is an error.
    lines.append("case binary power loop=int64 out=int64 tol=0")
    lines.append("in " + enc(np.array([2, 3], dtype="int64")))
    lines.append("in " + enc(np.array([1, -1], dtype="int64")))
    lines.append("error Value Integers to negative integer powers are not allowed.")


def PEXP(dt):
    e = edges(dt)
    return np.array([v for v in e if v >= 0 and v <= 130] + ([np.iinfo(dt).max] if dt != "uint64" else []), dtype=dt)


REDUCE = ["sum", "prod", "min", "max", "argmin", "argmax", "any", "all", "count_nonzero", "mean", "var", "std",
          "nansum", "nanprod", "nanmin", "nanmax", "nanmean", "nanvar", "nanstd", "nanargmin", "nanargmax"]
ARG = {"argmin", "argmax", "nanargmin", "nanargmax"}


def reduce_input(dt, shape, nans):
    n = int(np.prod(shape))
    if dt == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dt in FLOATS:
        x = rng.normal(0, 3, n)
        if nans:
            x[rng.integers(0, n, max(1, n // 6))] = np.nan
        return x.astype(dt).reshape(shape)
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, n, dtype=dt, endpoint=True).reshape(shape)


def reduce_dtypes(op, dt, x):
    """(loop, out) dtypes of NumPy's reduction, from the result and the input."""
    r = np.asarray(getattr(np, op)(np.ones(3, dtype=dt)))
    out = r.dtype
    if op in ARG:
        loop = np.dtype(dt)
    elif op in ("any", "all", "count_nonzero"):
        loop = np.dtype("bool")
    elif op in ("min", "max", "nanmin", "nanmax"):
        loop = np.dtype(dt)
    else:
        loop = out
    return loop, out


def emit_reduce(op, x, axes, keepdims, ddof, trans=False, tolerance=0):
    dt = x.dtype.name
    loop, out = reduce_dtypes(op, dt, x if not trans else x.T)
    xin = x.T if trans else x
    kw = {}
    if op in ARG:
        if axes is not None and len(axes) == xin.ndim and xin.ndim > 1:
            kw["axis"] = None
        elif axes is None:
            kw["axis"] = None
        else:
            kw["axis"] = axes[0]
    else:
        kw["axis"] = axes
    if keepdims:
        kw["keepdims"] = True
    if op in ("var", "std", "nanvar", "nanstd"):
        kw["ddof"] = ddof
    axes_all = tuple(range(xin.ndim)) if axes is None else axes
    key = "-" if len(axes_all) == 0 else ",".join(map(str, axes_all))
    lines.append("case reduce %s loop=%s out=%s tol=%d axes=%s keepdims=%d ddof=%d" % (
        op, loop.name, out.name, tolerance, key, int(keepdims), ddof))
    lines.append(("inT " if trans else "in ") + enc(x))
    try:
        lines.append("expect " + enc(np.asarray(getattr(np, op)(xin, **kw))))
    except ValueError as exc:
        lines.append("error Value " + str(exc).strip())


def gen_reduce():
    axes_list = [None, (0,), (1,), (2,), (0, 2), (1, 2), (0, 1), ()]
    for op in REDUCE:
        for dt in DTYPES:
            try:
                getattr(np, op)(np.ones(3, dtype=dt))
            except TypeError:
                continue
            x = reduce_input(dt, (2, 3, 4), False)
            xn = reduce_input(dt, (2, 3, 4), True)
            for axes in axes_list:
                if op in ARG and axes is not None and len(axes) != 1:
                    continue
                for ddof in ([0, 1] if "var" in op or "std" in op else [0]):
                    emit_reduce(op, x, axes, False, ddof)
                    if dt in FLOATS:
                        emit_reduce(op, xn, axes, False, ddof)
            emit_reduce(op, x, (1,), True, 0)
            if op not in ARG:
                emit_reduce(op, x, None, True, 0)
            if "var" in op or "std" in op:
                emit_reduce(op, x, (0,), False, 2)
                emit_reduce(op, x, (0,), False, 3)
            # Strided input and empty inputs.
            emit_reduce(op, reduce_input(dt, (4, 3), dt in FLOATS), (1,), False, 0, trans=True)
            for shape, axes in [((0, 3), (0,)), ((0, 3), (1,)), ((3, 0), (1,)), ((3, 0), (0,)), ((0,), (0,))]:
                emit_reduce(op, np.zeros(shape, dtype=dt), axes, False, 0)
            if dt in FLOATS and op.startswith("nan"):
                allnan = np.array([[np.nan, np.nan], [1.0, np.nan]], dtype=dt)
                emit_reduce(op, allnan, (1,), False, 0)
                emit_reduce(op, allnan, (0,), False, 0)
    # Pairwise summation accuracy: ramps summed along contiguous runs.
    for dt in FLOATS:
        for n, start, step in [(1000000, 0.1, 0.0), (1000, 0.1, 0.37), (12345, -3.3, 0.001), (100003, 1e6, -17.3),
                               (127, 0.1, 0.1), (129, 0.1, 0.1)]:
            x = (np.float64(start) + np.arange(n, dtype=np.float64) * np.float64(step)).astype(dt)
            for op in ["sum", "mean", "var", "nansum"]:
                loop, out = reduce_dtypes(op, dt, x)
                tok = "fill:" + hexf(start) if step == 0.0 else "ramp:%s:%s" % (hexf(start), hexf(step))
                lines.append("case reduce %s loop=%s out=%s tol=0 axes=0 keepdims=0 ddof=0" % (op, loop.name, out.name))
                lines.append("in %s %d %s" % (dt, n, tok))
                lines.append("expect " + enc(np.asarray(getattr(np, op)(x))))
        x2 = (np.float64(0.3) + np.arange(300 * 1000, dtype=np.float64) * np.float64(0.013)).astype(dt).reshape(300, 1000)
        for axes in [(1,), (0,), None]:
            r = np.sum(x2, axis=axes)
            key = "0,1" if axes is None else str(axes[0])
            lines.append("case reduce sum loop=%s out=%s tol=0 axes=%s keepdims=0 ddof=0" % (dt, dt, key))
            lines.append("in %s 300,1000 ramp:%s:%s" % (dt, hexf(0.3), hexf(0.013)))
            lines.append("expect " + enc(np.asarray(r)))
    # Mean of ints (cast through NumPy's buffers).
    x = np.arange(20000, dtype=np.int64) * 7919 % 100003
    lines.append("case reduce mean loop=float64 out=float64 tol=0 axes=0 keepdims=0 ddof=0")
    lines.append("in " + enc(x))
    lines.append("expect " + enc(np.asarray(np.mean(x))))


def gen_scan():
    for op in ["cumsum", "cumprod", "nancumsum", "nancumprod"]:
        for dt in DTYPES:
            x = reduce_input(dt, (2, 3, 4), dt in FLOATS)
            if dt not in FLOATS and dt != "bool" and op.endswith("prod"):
                x = (x % 7).astype(dt) if np.iinfo(dt).min == 0 else (x % 7 - 3).astype(dt)
                x.reshape(-1)[::5] = np.iinfo(dt).max
            for axis in range(3):
                r = getattr(np, op)(x, axis=axis)
                lines.append("case scan %s out=%s tol=0 axis=%d" % (op, r.dtype.name, axis))
                lines.append("in " + enc(x))
                lines.append("expect " + enc(r))
            xt = reduce_input(dt, (3, 4), dt in FLOATS)
            r = getattr(np, op)(xt.T, axis=1)
            lines.append("case scan %s out=%s tol=0 axis=1" % (op, r.dtype.name))
            lines.append("inT " + enc(xt))
            lines.append("expect " + enc(r))
    x = np.array([-0.0, -0.0, 1.0])
    lines.append("case scan cumsum out=float64 tol=0 axis=0")
    lines.append("in " + enc(x))
    lines.append("expect " + enc(np.cumsum(x)))


def gen_where():
    for sc, sa, sb, da, db in [((2, 3), (3,), (), "float64", "float64"), ((2, 3), (2, 3), (2, 3), "int8", "int16"),
                               ((4,), (3, 1), (1,), "uint8", "float32"), ((2, 3), (4,), (), "int64", "int64"),
                               ((3,), (3,), (3,), "bool", "bool")]:
        c = rng.normal(0, 1, sc)
        c[c < 0] = 0
        c.reshape(-1)[0] = np.nan
        a = reduce_input(da, sa, False)
        b = reduce_input(db, sb, False)
        out = np.result_type(a, b)
        lines.append("case where where out=%s tol=0" % out.name)
        lines.append("in " + enc(c))
        lines.append("in " + enc(a))
        lines.append("in " + enc(b))
        try:
            lines.append("expect " + enc(np.where(c, a, b)))
        except ValueError as exc:
            lines.append("error Shape " + str(exc).strip())


def gen_matmul():
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
              ((2, 1, 2, 3), (3, 3, 2)), ((2, 0), (0, 3)), ((0, 3), (3, 2)), ((5,), (2, 5, 3)),
              ((2, 3), (4,)), ((2, 3), (2, 3)), ((2, 2, 3), (3, 3, 2)), ((), (3,)), ((3,), ())]
    for dt in ["bool", "int8", "int32", "int64", "uint8", "uint64", "float32", "float64"]:
        for sa, sb in shapes:
            if dt in FLOATS:
                a = rng.uniform(0.1, 2.0, sa).astype(dt)
                b = rng.uniform(0.1, 2.0, sb).astype(dt)
            else:
                a = reduce_input(dt, sa, False)
                b = reduce_input(dt, sb, False)
            out = np.result_type(a, b)
            lines.append("case matmul matmul out=%s tol=%d" % (out.name, 8 if dt in FLOATS else 0))
            lines.append("in " + enc(a))
            lines.append("in " + enc(b))
            try:
                lines.append("expect " + enc(np.asarray(np.matmul(a, b))))
            except ValueError as exc:
                lines.append("error Shape " + str(exc).strip())
    a = rng.uniform(0.1, 2.0, (4, 3))
    b = rng.uniform(0.1, 2.0, (4, 5))
    lines.append("case matmul matmul out=float64 tol=8")
    lines.append("inT " + enc(a))
    lines.append("in " + enc(b))
    lines.append("expect " + enc(np.matmul(a.T, b)))


def main():
    gen_unary()
    gen_binary()
    gen_reduce()
    gen_scan()
    gen_where()
    gen_matmul()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "compiler", "tests", "data", "kernel_cases.txt")
    with open(path, "w") as f:
        f.write("# Generated by scripts/gen_kernel_cases.py with NumPy %s; do not edit.\n" % np.__version__)
        f.write("\n".join(lines) + "\n")
    print("wrote %d lines to %s (%d bytes)" % (len(lines), path, os.path.getsize(path)), file=sys.stderr)


if __name__ == "__main__":
    main()
