#!/usr/bin/env python3
"""Generate runtime/tests/data/format_cases.txt: NumPy 2's str/repr of arrays and scalars,
Python's format(value, spec) and printf-style % formatting, as expected outputs for
runtime/tests/format.rs (which reads the file without Python).

File format (line based; every block ends with an explicit terminator line):

    === array <dtype> <shape> <layout>      shape: "2x3", "" for 0-d; layout: C or T
    values <encoding...>                     see below
    --- str
    <lines of str(a)>
    --- repr
    <lines of repr(a)>
    --- end

  Values are space separated: bools 0/1, ints in decimal, floats as the hex of their bit
  pattern. "values tile <tokens>" repeats the tokens cyclically to fill the array (used for
  large, summarised arrays). Layout T means the values fill shape reversed in C order and
  the array printed is its transpose (a strided view).

    === scalar <dtype> <value token>
    str:<str(s)>
    repr:<repr(s)>

    === format <kind> <value token>          kind: int uint float float32 bool str
    spec:<spec>
    ok:<text>  or  err:<message>

    === percent <n>
    arg:<kind> <value token>                 (n lines)
    fmt:<format string>
    ok:<text>  or  err:<message>

Strings (str values, percent formats with odd characters) are given as hex of UTF-8 when
the kind is "str".

Run from the repository root: python3 scripts/gen_format_cases.py
"""

import math
import os
import random
import struct
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "tests",
                   "data", "format_cases.txt")

# HPXL_FORMAT_STRESS=N (N > 1) writes N times as many random cases, for a one-off deeper
# comparison; HPXL_FORMAT_SEED picks another random stream. The committed file uses neither.
STRESS = float(os.environ.get("HPXL_FORMAT_STRESS", "1"))
SEED = int(os.environ.get("HPXL_FORMAT_SEED", "20240601"))

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64"]


def token(dtype, v):
    if dtype == "bool":
        return "1" if v else "0"
    if dtype == "float64":
        return "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]
    if dtype == "float32":
        return "%08x" % struct.unpack("<I", struct.pack("<f", np.float32(v)))[0]
    return str(int(v))


def emit_array(out, a, layout="C", tile=None):
    dtype = a.dtype.name
    shape = "x".join(str(n) for n in a.shape)
    out.append("=== array %s %s %s" % (dtype, shape, layout))
    src = a.T if layout == "T" else a
    arange = np.arange(src.size).astype(dtype).reshape(src.shape)
    if src.size > 100 and np.array_equal(src, arange):
        out.append("values arange")
    elif tile is not None:
        out.append("values tile " + " ".join(token(dtype, v) for v in tile))
    else:
        flat = np.ascontiguousarray(src).reshape(-1)
        out.append("values " + " ".join(token(dtype, v) for v in flat))
    out.append("--- str")
    out.extend(str(a).split("\n"))
    out.append("--- repr")
    out.extend(repr(a).split("\n"))
    out.append("--- end")


def random_bits(rng, dtype):
    """A float with a random bit pattern (any magnitude, maybe nan/inf)."""
    if dtype == "float32":
        return float(np.frombuffer(struct.pack("<I", rng.getrandbits(32)), dtype=np.float32)[0])
    return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]


def rand_values(rng, dtype, n, style):
    """A list of n Python values of the given dtype in a named style."""
    if dtype == "bool":
        if style == 0:
            return [True] * n
        return [rng.random() < 0.5 for _ in range(n)]
    if dtype.startswith("int") or dtype.startswith("uint"):
        info = np.iinfo(dtype)
        if style == 0:
            lo, hi = max(info.min, -10), min(info.max, 10)
        elif style == 1:
            lo, hi = max(info.min, 0), min(info.max, 1000)
        elif style == 2:
            lo, hi = int(info.min), int(info.max)
        else:
            lo, hi = max(info.min, -100000), min(info.max, 100000)
        vals = [rng.randint(lo, hi) for _ in range(n)]
        if style == 2 and n >= 2:
            vals[0], vals[-1] = int(info.min), int(info.max)
        return vals
    # Floats.
    kinds = [
        lambda: float(rng.randint(-20, 20)),
        lambda: rng.random(),
        lambda: rng.gauss(0, 1) * 10 ** rng.randint(-3, 3),
        lambda: rng.gauss(0, 1) * 10 ** rng.randint(-12, 12),
        lambda: rng.choice([0.5, 0.25, 1.0, 2.0, 0.125, 1.5, -3.75, 100.0]),
        lambda: rng.randint(1, 9) * 10.0 ** rng.randint(-6, 10),
        lambda: rng.uniform(1e-4, 2e-4),
        lambda: rng.uniform(9e7, 1.1e8),
        lambda: rng.randint(-10**6, 10**6) / 1000.0,
        lambda: rng.choice([1 / 3, 2 / 3, math.pi, math.e, 0.1, 0.2, 0.3, 1e-4, 1e8]),
        lambda: random_bits(rng, dtype),
    ]
    if style < len(kinds):
        return [kinds[style]() for _ in range(n)]
    # Mixed styles, with specials sprinkled in.
    vals = [rng.choice(kinds)() for _ in range(n)]
    specials = [math.nan, math.inf, -math.inf, -0.0, 0.0]
    for _ in range(rng.randint(0, max(1, n // 4))):
        vals[rng.randrange(n)] = rng.choice(specials)
    return vals


def array_cases(rng, out):
    count = 0
    # Hand-picked cases.
    f = np.float64
    hand = [
        np.array(1.5), np.array(0.1, dtype=np.float32), np.array(True), np.array(-7, dtype=np.int8),
        np.array(1e20), np.array(np.nan), np.array(-0.0), np.array(5), np.array(2**64 - 1, dtype=np.uint64),
        np.array([1.0, 2.25]), np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.2, 0.3]),
        np.array([1e-5, 1.0]), np.array([1e8, 1.0]), np.array([1e7, 1.0]), np.array([1.0, 1000.0]),
        np.array([1.0, 1001.0]), np.array([1e-4, 0.1]), np.array([9.9999e-5, 0.1]),
        np.array([np.nan, np.inf, -np.inf]), np.array([np.nan]), np.array([-np.inf]), np.array([np.inf, 1.0]),
        np.array([-np.inf, 1e-9]), np.array([np.nan, 1e20, -1.5]), np.array([-0.0, 0.0]),
        np.array([-0.0]), np.array([0.0, 0.0]), np.array([1 / 512, 1.0]), np.array([0.123456785, 1.0]),
        np.array([1.23456789e10, 1.0]), np.array([1e100, 1e-100]), np.array([1e300, -1e-300, 5e-324]),
        np.array([np.finfo(f).max, np.finfo(f).tiny]), np.array([0.999999999, 1.0]),
        np.array([9.999999999e-5, 1.0]), np.array([99999999.99, 1.0]), np.array([1.0, -1.0]),
        np.array([1e-5, 1e-6], dtype=np.float32), np.array([1e6, 1.0], dtype=np.float32),
        np.array([999999.0, 1.0], dtype=np.float32), np.array([0.1, 0.2, 0.3], dtype=np.float32),
        np.array([1e-4, 0.5], dtype=np.float32), np.array([16777217.0], dtype=np.float32),
        np.array([3.4028235e38, -3.4028235e38], dtype=np.float32), np.array([np.nan, 1.0], dtype=np.float32),
        np.array([], dtype=np.float64), np.array([], dtype=np.int32), np.array([], dtype=np.bool_),
        np.zeros((0, 3)), np.zeros((3, 0), dtype=np.int8), np.zeros((2, 0, 2), dtype=np.uint64),
        np.array([True, False]), np.array([True, True]), np.array([False]), np.array([[True], [False]]),
        np.array([1, 2, 3]), np.array([1, 2, 3], dtype=np.int32), np.array([-1, 200, 3], dtype=np.int16),
        np.array([2**63 - 1, -2**63]), np.array([2**64 - 1, 0], dtype=np.uint64),
        np.arange(12).reshape(3, 4), np.arange(24).reshape(2, 3, 4), np.arange(16.0).reshape(2, 2, 2, 2),
        np.arange(100), np.arange(100.0) / 7, np.arange(1100.0), np.arange(1100, dtype=np.float32), np.arange(30.0) * 1e5, np.linspace(0, 1, 40),
        np.arange(1001), np.arange(1000), np.arange(2000.0).reshape(40, 50), np.arange(3000).reshape(10, 10, 30),
        np.arange(1200).astype(np.uint8).reshape(2, 600), np.arange(5000, dtype=np.float32),
        np.ones((2, 3, 4, 5)), np.ones((1, 1, 1)), np.arange(25, dtype=np.int8) * 5,
        np.arange(17, dtype=np.int16) * 1000, np.arange(18, dtype=np.int16) * 1000, np.arange(20, dtype=np.uint32),
        np.arange(21, dtype=np.uint32), np.arange(22, dtype=np.int32) * 100, np.full(12, -1.5, dtype=np.float32),
        np.arange(60.0).reshape(2, 3, 10) * 1.1, np.arange(3000, dtype=np.int8).reshape(3, 1000),
        np.arange(1001, dtype=np.uint16), np.full((3, 5), np.nan), np.full(4, -np.inf, dtype=np.float32),
        np.array([1e-300, 1.0, np.nan]), np.array([[1, -1], [100, 2]], dtype=np.int64), np.array([[1e-10, 1], [np.nan, -np.inf]]),
    ]
    for a in hand:
        emit_array(out, a)
        count += 1
    # Transposed (strided) views.
    for a in [np.arange(12).reshape(3, 4), np.arange(24.0).reshape(2, 3, 4) / 3,
              np.arange(2000).reshape(40, 50)]:
        emit_array(out, a.T, layout="T")
        count += 1
    shapes = [(1,), (2,), (5,), (7,), (13,), (30,), (80,), (2, 2), (2, 3), (3, 5), (4, 20), (1, 30),
              (2, 3, 4), (3, 1, 2), (2, 2, 2, 2), (1, 2, 1, 3), (2, 3, 2, 2), (6, 12)]
    for _round in range(max(1, int(STRESS / 2))):
        count += random_array_cases(rng, out, shapes)
    # Large, summarised arrays built from a tiled pattern.
    big_shapes = [(1001,), (2500,), (40, 40), (3, 400), (400, 3), (11, 11, 11), (2, 3, 200),
                  (4, 4, 4, 20), (1, 1001), (1001, 1), (6, 6, 30)]
    for _round in range(max(1, int(STRESS / 2))):
        count += big_array_cases(rng, out, big_shapes)
    return count


def random_array_cases(rng, out, shapes):
    count = 0
    for dtype in DTYPES:
        n_styles = 1 if dtype == "bool" else (4 if dtype[0] in "iu" else 12)
        for shape in shapes:
            for style in range(n_styles + 1) if dtype.startswith("float") else range(max(2, n_styles)):
                size = int(np.prod(shape))
                if rng.random() > (0.25 if size >= 30 else 0.5) * STRESS:
                    continue
                vals = rand_values(rng, dtype, size, style)
                a = np.array(vals, dtype=dtype).reshape(shape)
                emit_array(out, a)
                count += 1
    return count


def big_array_cases(rng, out, big_shapes):
    count = 0
    for dtype in DTYPES:
        for shape in big_shapes:
            if rng.random() > 0.5 * STRESS:
                continue
            style = rng.randint(0, 12) if dtype.startswith("float") else rng.randint(0, 3)
            n_tile = rng.choice([1, 7, 37, 101])
            tile = rand_values(rng, dtype, n_tile, style)
            size = int(np.prod(shape))
            flat = np.array([tile[i % n_tile] for i in range(size)], dtype=dtype)
            tile_typed = [flat[i] for i in range(n_tile)]
            emit_array(out, flat.reshape(shape), tile=tile_typed)
            count += 1
    return count


def scalar_cases(rng, out):
    count = 0
    vals64 = [0.0, -0.0, 1.0, 1.5, 0.1, 1 / 3, 1e16, 1e15, 9999999999999998.0, 1e-4, 9.99e-5, 1e-5,
              1e20, 1.5e20, 1e-300, 5e-324, 1.7976931348623157e308, math.nan, math.inf, -math.inf,
              123456789.0, 0.30000000000000004, 2.0 ** 53, 1e22, 1e23, -2.5, 100.0, 1e-7]
    vals64 += [rng.gauss(0, 1) * 10 ** rng.randint(-30, 30) for _ in range(int(30 * STRESS))]
    vals64 += [random_bits(rng, "float64") for _ in range(int(10 * STRESS))]
    for v in vals64:
        s = np.float64(v)
        out += ["=== scalar float64 " + token("float64", v), "str:" + str(s), "repr:" + repr(s)]
        count += 1
    vals32 = [0.1, 0.2, 1.0, 1e6, 999999.0, 1234567.0, 16777216.0, 1e-4, 1.1e-4, 9.9e-5, 3.4028235e38,
              1e-45, 1e-38, math.nan, math.inf, -math.inf, -0.0, 1 / 3, 0.5, 100.25]
    vals32 += [rng.gauss(0, 1) * 10 ** rng.randint(-10, 10) for _ in range(int(20 * STRESS))]
    vals32 += [random_bits(rng, "float32") for _ in range(int(10 * STRESS))]
    for v in vals32:
        s = np.float32(v)
        out += ["=== scalar float32 " + token("float32", s), "str:" + str(s), "repr:" + repr(s)]
        count += 1
    for dtype in DTYPES[:9]:
        if dtype == "bool":
            vs = [True, False]
        else:
            info = np.iinfo(dtype)
            vs = [int(info.min), int(info.max), 0, 7]
        for v in vs:
            s = np.array(v, dtype=dtype)[()]
            out += ["=== scalar %s %s" % (dtype, token(dtype, v)), "str:" + str(s), "repr:" + repr(s)]
            count += 1
    return count


def value_token(kind, v):
    if kind == "int" or kind == "uint":
        return str(v)
    if kind == "float":
        return token("float64", v)
    if kind == "float32":
        return token("float32", v)
    if kind == "bool":
        return "1" if v else "0"
    return v.encode().hex()


def py_value(kind, v):
    if kind == "float32":
        return np.float32(v)
    if kind == "float":
        return float(v)
    return v


def result_line(fn):
    try:
        return "ok:" + fn()
    except (ValueError, TypeError, OverflowError) as e:
        return "err:" + str(e)


def random_spec(rng):
    parts = []
    if rng.random() < 0.4:
        parts.append(rng.choice(["", "", "*", "0", "x", " "]) + rng.choice("<>^="))
    if rng.random() < 0.3:
        parts.append(rng.choice("+- "))
    if rng.random() < 0.1:
        parts.append("z")
    if rng.random() < 0.2:
        parts.append("#")
    if rng.random() < 0.2:
        parts.append("0")
    if rng.random() < 0.5:
        parts.append(str(rng.randint(0, 25)))
    if rng.random() < 0.2:
        parts.append(rng.choice(",_"))
    if rng.random() < 0.4:
        parts.append("." + str(rng.randint(0, 20)))
    if rng.random() < 0.8:
        parts.append(rng.choice("bcdoxXeEfFgGn%s"))
    return "".join(parts)


def format_cases(rng, out):
    count = 0
    float_specs = ["", "f", ".2f", ".0f", "#.0f", "10.3f", "<10.3f", "^12.4f", "=+10.2f", "+f", " f",
                   "010.3f", "e", ".3e", "E", ".0e", "#.0e", "g", ".3g", ".10g", "#g", "#.3g", "G",
                   ".1g", ".0g", "%", ".1%", "10", ".3", ".12", ",", ",.2f", "_.3f", "015,.2f", "n",
                   "*^15.3e", "x<8", "+", " ", "z.2f", "d", "s", "x", ".2d", "010", "F", "12.5G",
                   ".2z", "10,.1%", "abc", ".f", ",_f", "08,"]
    float_vals = [0.0, -0.0, 1.0, 1.5, -2.5, 0.125, 1234.5, 1234567.891, 1e16, 1e-5, 123.456,
                  0.000123456, 1e100, math.nan, math.inf, -math.inf, 2.675, 1 / 3, 999.9999, 5e-324]
    for spec in float_specs:
        for v in rng.sample(float_vals, 6) + [1234.5]:
            out += ["=== format float " + value_token("float", v), "spec:" + spec,
                    result_line(lambda: format(v, spec))]
            count += 1
    for spec in ["", ".3f", "10", "e", "g"]:
        for v in [0.1, 16777217.0, 1e-5]:
            out += ["=== format float32 " + value_token("float32", v), "spec:" + spec,
                    result_line(lambda: format(np.float32(v), spec))]
            count += 1
    int_specs = ["", "d", "5d", "<5", "^7", "=+8", "+d", " d", "05", "010,", ",", "_", "08,", "x", "#x",
                 "X", "#X", "#010x", "b", "#b", "_b", "#_b", "o", "#o", "_x", "c", "f", ".2f", "e",
                 "g", "%", "n", ".2", "s", ",x", "0=12,", "*>+10,", "z", "^-9"]
    int_vals = [0, 7, -7, 1234, -1234567, 255, 65, 2**63 - 1, -2**63]
    for spec in int_specs:
        for v in rng.sample(int_vals, 4) + [1234]:
            if spec == "c" and 0 <= v < 32:
                continue
            out += ["=== format int " + value_token("int", v), "spec:" + spec,
                    result_line(lambda: format(v, spec))]
            count += 1
    for spec in ["", "d", ",", "x", "20"]:
        out += ["=== format uint " + value_token("uint", 2**64 - 1), "spec:" + spec,
                result_line(lambda: format(2**64 - 1, spec))]
        count += 1
    for spec in ["", "d", ">6", "s", "f", "x", "^7"]:
        for v in [True, False]:
            out += ["=== format bool " + value_token("bool", v), "spec:" + spec,
                    result_line(lambda: format(v, spec))]
            count += 1
    str_specs = ["", "s", "10", "<10", ">10", "^10", "*^9", ".2", "10.3s", "05", "=10", "+", "#", "d",
                 ",", "z"]
    for spec in str_specs:
        for v in ["abc", "", "héllo"]:
            out += ["=== format str " + value_token("str", v), "spec:" + spec,
                    result_line(lambda: format(v, spec))]
            count += 1
    # Random specifications assembled from all the parts of the mini-language.
    for _ in range(int(150 * STRESS)):
        spec = random_spec(rng)
        kind = rng.choice(["int", "int", "uint", "float", "float", "float", "float32", "bool", "str"])
        if kind == "int":
            v = rng.choice([0, 1, -1, rng.randint(-10**6, 10**6), rng.randint(-2**63, 2**63 - 1)])
        elif kind == "uint":
            v = rng.randint(0, 2**64 - 1)
        elif kind in ("float", "float32"):
            v = rng.choice([rng.choice(float_vals), rng.gauss(0, 1) * 10 ** rng.randint(-8, 20),
                            random_bits(rng, "float64" if kind == "float" else "float32")])
            if kind == "float32":
                v = float(np.float32(v))
        elif kind == "bool":
            v = rng.random() < 0.5
        else:
            v = rng.choice(["abc", "", "héllo", "a longer string"])
        pv = py_value(kind, v)
        out += ["=== format %s %s" % (kind, value_token(kind, v)), "spec:" + spec,
                result_line(lambda: format(pv, spec))]
        count += 1
    percent = [
        ("%d", [("int", 5)]), ("%5d|%-5d|%05d", [("int", 42), ("int", -42), ("int", -42)]),
        ("%+d % d", [("int", 3), ("int", 3)]), ("%.3d", [("int", 7)]), ("%x %X %#x %#o %o", [("int", 255)] * 5),
        ("%i", [("float", -3.9)]), ("%d", [("float", 1e20)]), ("%d", [("bool", True)]),
        ("%f", [("float", 1.5)]), ("%.3f", [("float", 2.0005)]), ("%10.2f|", [("float", -3.14159)]),
        ("%-10.2f|", [("float", 3.14159)]), ("%010.2f", [("float", -3.14159)]), ("%+.1f", [("float", 2.25)]),
        ("%e", [("float", 12345.678)]), ("%.2E", [("float", 0.000123)]), ("%g", [("float", 1e-5)]),
        ("%g %g %g", [("float", 100000.0), ("float", 1e6), ("float", 0.0001)]), ("%#g", [("float", 1.0)]),
        ("%.3g", [("float", 1234.5)]), ("%G", [("float", 1e-10)]), ("%s", [("float", 0.1)]),
        ("%r", [("float", 1e16)]), ("%s %s", [("str", "a b"), ("int", -1)]), ("%r", [("str", "it's")]),
        ("%r", [("str", "a\nb")]), ("%10s|%-10s|", [("str", "hi"), ("str", "hi")]), ("%.2s", [("str", "hello")]),
        ("100%%", []), ("%s", [("bool", False)]), ("%s", [("float32", 0.1)]), ("%r", [("float32", 0.1)]),
        ("%f", [("float32", 0.1)]), ("%d", [("float32", 2.5)]), ("%f", [("float", math.nan)]),
        ("%5.1f", [("float", math.inf)]), ("%05.1f", [("float", -math.inf)]), ("%d", [("str", "x")]),
        ("%f", [("str", "x")]), ("%x", [("float", 1.5)]), ("%d %d", [("int", 1)]), ("%d", [("int", 1), ("int", 2)]),
        ("%", [("int", 1)]), ("%q", [("int", 1)]), ("%c", [("int", 65)]), ("%c", [("str", "z")]),
        ("%d", [("float", math.nan)]), ("%d", [("float", -math.inf)]), ("%s", [("uint", 2**64 - 1)]),
        ("%.0f %.0f %.0f", [("float", 0.5), ("float", 1.5), ("float", 2.5)]), ("%#.0f", [("float", 3.0)]),
        ("%#x", [("int", -255)]), ("%-+6d|", [("int", 5)]), ("% 06.1f", [("float", 2.0)]),
        ("x=%s, y=%.4g", [("float", 1.0), ("float", 2.0 / 3.0)]),
    ]
    for _ in range(int(60 * STRESS)):
        conv = rng.choice("sdiuxXoeEfFgGr")
        fmt = "%" + "".join(rng.sample("-+ #0", rng.randint(0, 2)))
        if rng.random() < 0.6:
            fmt += str(rng.randint(0, 14))
        if rng.random() < 0.5:
            fmt += "." + str(rng.randint(0, 10))
        fmt += conv
        kind = rng.choice(["int", "float", "float", "bool", "str", "uint"])
        if conv in "xXo" and kind == "float":
            kind = "int"
        v = {"int": lambda: rng.randint(-10**9, 10**9), "uint": lambda: rng.randint(0, 2**64 - 1),
             "float": lambda: rng.choice([rng.gauss(0, 1) * 10 ** rng.randint(-8, 20), random_bits(rng, "float64"),
                                          rng.choice(float_vals)]),
             "bool": lambda: rng.random() < 0.5, "str": lambda: rng.choice(["abc", "", "it's"])}[kind]()
        percent.append(("[" + fmt + "]", [(kind, v)]))
    for fmt, args in percent:
        out.append("=== percent %d" % len(args))
        for kind, v in args:
            out.append("arg:%s %s" % (kind, value_token(kind, v)))
        out.append("fmt:" + fmt)
        out.append(result_line(lambda: fmt % tuple(py_value(k, v) for k, v in args)))
        count += 1
    return count


def main():
    rng = random.Random(SEED)
    out = ["# Generated by scripts/gen_format_cases.py with NumPy %s, Python %s. Do not edit."
           % (np.__version__, sys.version.split()[0])]
    n_arrays = array_cases(rng, out)
    n_scalars = scalar_cases(rng, out)
    n_formats = format_cases(rng, out)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
    print("wrote %s: %d array, %d scalar, %d format cases" % (OUT, n_arrays, n_scalars, n_formats))


if __name__ == "__main__":
    main()
