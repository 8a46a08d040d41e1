#!/usr/bin/env python3
"""Write compiler/tests/data/type_tables.txt: NumPy 2's dtype answers that
compiler/src/types.rs must reproduce (checked by compiler/tests/types.rs).

Run from the repository root with NumPy 2.x installed:

    python3 scripts/gen_type_tables.py

Line format (tokens separated by single spaces; `#` starts a trailing comment):

    promote A B R
    can_cast_safe A B true|false
    can_cast_same_kind A B true|false
    loops UFUNC SIGNATURE...
    result_type OPERAND... -> R
    result_type OPERAND... -> ! Message
    binary UFUNC OPERAND OPERAND -> IN0 IN1 OUT
    binary UFUNC OPERAND OPERAND -> ! Message
    unary UFUNC DTYPE -> IN OUT
    unary UFUNC DTYPE -> ! Message
    reduce FUNC DTYPE -> OUT
    scan FUNC DTYPE -> OUT

An OPERAND is a dtype name (a strongly typed array) or a weak Python scalar:
`py_bool`, `py_float` or `py_int:VALUE`.  Where NumPy answers float16 the
table says float32 and adds the comment `# float16 in NumPy`: hpxl has no
float16 (see Note [No float16] in compiler/src/types.rs).

The loop dtypes of `binary`/`unary` lines come from `ufunc.resolve_dtypes`;
the output dtype and errors come from calling the ufunc on 1-element arrays,
so that value-dependent conversion errors of Python integers
("Python integer 300 out of bounds for int8") are seen.  `np.result_type`
itself does not check Python integers against the dtype they adopt; hpxl's
`result_type` does (as every NumPy operation converting the scalar does), so
for `result_type` lines the generator converts each Python int to the result
dtype and records NumPy's conversion error if there is one.
"""

import os
import sys
import warnings

import numpy as np

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
          "uint32", "uint64", "float32", "float64"]

UNARY = ["negative", "positive", "invert", "logical_not", "absolute", "sign",
         "sqrt", "cbrt", "square", "reciprocal", "exp", "exp2", "expm1", "log",
         "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos",
         "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
         "deg2rad", "rad2deg", "floor", "ceil", "trunc", "rint", "isnan",
         "isinf", "isfinite", "signbit"]

BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide",
          "remainder", "power", "bitwise_and", "bitwise_or", "bitwise_xor",
          "left_shift", "right_shift", "less", "less_equal", "greater",
          "greater_equal", "equal", "not_equal", "logical_and", "logical_or",
          "logical_xor", "minimum", "maximum", "fmin", "fmax", "arctan2",
          "hypot", "copysign", "fmod"]

REDUCE = ["sum", "prod", "min", "max", "argmin", "argmax", "any", "all",
          "count_nonzero", "mean", "var", "std", "nansum", "nanprod",
          "nanmin", "nanmax", "nanmean", "nanvar", "nanstd", "nanargmin",
          "nanargmax"]

SCAN = ["cumsum", "cumprod", "nancumsum", "nancumprod"]

# Python ints tried as weak operands of binary ufuncs: in and out of the
# bounds of every integer dtype.
BINARY_INTS = [1, -1, 128, -129, 256, 65536, -2**31 - 1, 2**32, 2**63 - 1,
               -2**63]

# Python ints tried in result_type mixes.
RESULT_INTS = [0, 1, -1, 127, 128, -128, -129, 255, 256, 1000, -1000,
               32767, 32768, -32769, 65535, 65536, 2**31 - 1, 2**31,
               -2**31 - 1, 2**32 - 1, 2**32, 2**63 - 1, -2**63]


def dtype_token(dt):
    """hpxl's name for a NumPy dtype, and a comment when it was float16."""
    dt = np.dtype(dt)
    if dt == np.float16:
        return "float32", "float16 in NumPy"
    if dt == np.dtype(object):
        # Only comparisons of two Python ints resolve to NumPy's object loop;
        # hpxl compares them as int64 (both values fit).
        return "int64", "object in NumPy"
    name = dt.name
    if name not in DTYPES:
        raise SystemExit(f"unexpected dtype {name}")
    return name, None


def operand_token(op):
    if isinstance(op, str):
        return op
    if isinstance(op, bool):
        return "py_bool"
    if isinstance(op, int):
        return f"py_int:{op}"
    if isinstance(op, float):
        return "py_float"
    raise SystemExit(f"bad operand {op!r}")


def operand_value(op):
    """The object passed to NumPy: a 1-element array, or the Python scalar."""
    if isinstance(op, str):
        return np.ones(1, dtype=op)
    return op


def operand_resolve(op):
    """The operand as `ufunc.resolve_dtypes` takes it."""
    if isinstance(op, str):
        return np.dtype(op)
    if isinstance(op, bool):
        # NEP 50: a Python bool behaves as a NumPy bool.
        return np.dtype("bool")
    return type(op)


def error_text(exc):
    return "! " + str(exc).replace("\n", " ")


def line(parts, comments):
    text = " ".join(parts)
    comments = [c for c in comments if c]
    if comments:
        text += "  # " + "; ".join(sorted(set(comments)))
    return text


def ufunc_case(kind, name, operands):
    ufunc = getattr(np, name)
    head = [kind, name] + [operand_token(op) for op in operands] + ["->"]
    args = [operand_value(op) for op in operands]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = ufunc(*args)
        out = np.asarray(result).dtype
    except ValueError as exc:
        # Value errors of the loop itself (integer to a negative power) say
        # nothing about dtypes; the dtype then comes from resolve_dtypes.
        if "negative integer powers" not in str(exc):
            raise
        out = None
    except (TypeError, OverflowError) as exc:
        return head + [error_text(exc)], []
    resolved = ufunc.resolve_dtypes(
        tuple(operand_resolve(op) for op in operands) + (None,))
    tokens = [dtype_token(dt) for dt in resolved]
    if out is not None and dtype_token(out)[0] != tokens[-1][0]:
        raise SystemExit(f"{head}: resolve_dtypes {resolved} but result {out}")
    return head + [t for t, _ in tokens], [c for _, c in tokens]


def result_type_case(operands):
    head = ["result_type"] + [operand_token(op) for op in operands] + ["->"]
    numpy_args = [np.dtype(op) if isinstance(op, str) else op for op in operands]
    try:
        rt = np.result_type(*numpy_args)
        for op in operands:
            if isinstance(op, int) and not isinstance(op, bool):
                np.asarray(op, dtype=rt)
    except (TypeError, OverflowError) as exc:
        return head + [error_text(exc)], []
    token, comment = dtype_token(rt)
    return head + [token], [comment]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "compiler", "tests", "data", "type_tables.txt")
    out = [f"# Generated by scripts/gen_type_tables.py with NumPy {np.__version__}; do not edit."]

    for a in DTYPES:
        for b in DTYPES:
            out.append(line(["promote", a, b, dtype_token(np.promote_types(a, b))[0]], []))
    for rule in ["safe", "same_kind"]:
        for a in DTYPES:
            for b in DTYPES:
                ok = "true" if np.can_cast(a, b, rule) else "false"
                out.append(line([f"can_cast_{rule}", a, b, ok], []))

    # Each ufunc's loop list (`ufunc.types`), restricted to the type
    # characters of hpxl's dtypes plus float16 ('e'), in NumPy's order.
    for name in UNARY + BINARY:
        types = [t for t in getattr(np, name).types
                 if set(t) <= set("?bBhHiIlLqQefd->")]
        out.append(line(["loops", name] + types, []))

    weak_scalars = [True, 1.5]
    for name in UNARY:
        for a in DTYPES:
            out.append(line(*ufunc_case("unary", name, [a])))
    for name in BINARY:
        for a in DTYPES:
            for b in DTYPES:
                out.append(line(*ufunc_case("binary", name, [a, b])))
        for a in DTYPES:
            # Both orders for in-bounds scalars; out-of-bounds ints on the
            # right only (the order does not change the answer).
            for w in weak_scalars + BINARY_INTS:
                out.append(line(*ufunc_case("binary", name, [a, w])))
                if w in weak_scalars or w in (1, -1):
                    out.append(line(*ufunc_case("binary", name, [w, a])))
        for w1 in [True, 2, -3, 1.5]:
            for w2 in [True, 2, -3, 1.5]:
                out.append(line(*ufunc_case("binary", name, [w1, w2])))

    for name in REDUCE:
        for a in DTYPES:
            x = np.ones(3, dtype=a)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if name == "count_nonzero":
                    result = np.count_nonzero(x, axis=0)
                else:
                    result = getattr(np, name)(x, axis=0)
            token, comment = dtype_token(np.asarray(result).dtype)
            out.append(line(["reduce", name, a, "->", token], [comment]))
    for name in SCAN:
        for a in DTYPES:
            result = getattr(np, name)(np.ones(3, dtype=a), axis=0)
            token, comment = dtype_token(result.dtype)
            out.append(line(["scan", name, a, "->", token], [comment]))

    # result_type: every strong pair, each strong dtype with each weak
    # scalar, strong triples, and weak-only mixes.
    weak = [True, 1.5] + RESULT_INTS
    for a in DTYPES:
        out.append(line(*result_type_case([a])))
        for w in weak:
            out.append(line(*result_type_case([a, w])))
            out.append(line(*result_type_case([w, a])))
        for w1 in [True, 1, 300, -1, 1.5]:
            for w2 in [True, 1, 300, -1, 1.5]:
                out.append(line(*result_type_case([a, w1, w2])))
        for b in DTYPES:
            for c in DTYPES:
                out.append(line(*result_type_case([a, b, c])))
            for w in [True, 1, -1, 200, 70000, 1.5]:
                out.append(line(*result_type_case([a, w, b])))
    for w1 in [True, 1, -1, 2**63 - 1, 1.5]:
        out.append(line(*result_type_case([w1])))
        for w2 in [True, 1, -1, 2**63 - 1, 1.5]:
            out.append(line(*result_type_case([w1, w2])))

    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {len(out)} lines to {os.path.relpath(path, root)}", file=sys.stderr)


if __name__ == "__main__":
    main()
