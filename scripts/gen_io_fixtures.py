#!/usr/bin/env python3
"""Write the NumPy-made fixtures of hpxl's file I/O tests (tests/data/io/).

Every fixture is written by NumPy itself, so `cargo test --test io` checks that hpxl reads
what NumPy writes without needing Python. For each fixture, `expected.txt` holds what
NumPy prints for the loaded value, in the form the test compares with hpxl's output:

    == load("DIR/name.npy")
    <dtype name> <shape>
    <str(array)>

where the `==` line is the hpxl call that reads the fixture (DIR is replaced by the
fixture directory); `.npz` fixtures list each member as `-- key`, then the same two parts.
Fixtures cover every dtype of LANGUAGE.md §2 little- and big-endian, Fortran order,
0-d and empty arrays, `savez` and `savez_compressed` archives, and text files for
`loadtxt`. Run from anywhere:

    python3 scripts/gen_io_fixtures.py
"""

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "io"

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64"]


def sample(dtype):
    """A small 2x3 array that exercises the dtype's range."""
    if dtype == "bool":
        return np.array([[True, False, True], [False, False, True]])
    info = np.iinfo(dtype) if dtype[0] in "iu" else None
    if info is not None:
        return np.array([[info.min, 0, 1], [7, info.max - 1, info.max]], dtype=dtype)
    return np.array([[-1.5, 0.0, np.pi], [np.inf, -np.inf, np.nan]], dtype=dtype)


def hx_literal(a):
    """An expression valid both in hpxl and in Python after `from numpy import *` that
    builds `a` (integers go through int64 with wrap-around, as literals are int64)."""
    def item(v):
        if a.dtype.kind in "iu":
            v = int(v)
            v = v - 2**64 if v >= 2**63 else v
            return "(-9223372036854775807 - 1)" if v == -2**63 else str(v)
        if a.dtype.kind == "b":
            return str(bool(v))
        v = float(v)
        return "nan" if v != v else ("inf" if v == np.inf else ("-inf" if v == -np.inf else repr(v)))

    def nest(x):
        if x.ndim == 1:
            return "[" + ", ".join(item(v) for v in x) + "]"
        return "[" + ", ".join(nest(r) for r in x) + "]"
    if a.dtype.kind in "iu":
        return f"array({nest(a)}).astype({a.dtype.name})"
    return f"array({nest(a)}, dtype={a.dtype.name})"


def describe(a):
    return f"{a.dtype.name} {a.shape}\n{a}"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    expected = []

    def npy(name, a):
        np.save(OUT / name, a)
        b = np.load(OUT / name)
        expected.append(f'== load("DIR/{name}")\n{describe(b)}')

    # Files hpxl must write byte for byte as NumPy does: `saves.txt` holds one statement
    # per fixture, valid in hpxl and (after `from numpy import *`) in Python; NumPy runs
    # it here with PATH set to the fixture, the Rust test runs it in hpxl.
    saves = []

    def same_bytes(name, stmt):
        ns = dict(vars(np))
        ns["PATH"] = str(OUT / name)
        exec(stmt, ns)
        saves.append(f"{name}\t{stmt}")

    for dt in DTYPES:
        a = sample(dt)
        same_bytes(f"{dt}.npy", f"save(PATH, {hx_literal(a)})")
        b = np.load(OUT / f"{dt}.npy")
        expected.append(f'== load("DIR/{dt}.npy")\n{describe(b)}')
        if np.dtype(dt).itemsize > 1:
            npy(f"{dt}_be.npy", a.astype(np.dtype(dt).newbyteorder(">")))
    same_bytes("transposed.npy", "save(PATH, arange(24.0).reshape(2, 3, 4).T)")
    same_bytes("scalar.npy", "save(PATH, float32(7.25))")
    same_bytes("long_axis.npy", "save(PATH, zeros((123456789, 0), dtype=uint16))")
    table = "array([[1.5, -2.0, 1e-300], [3.141592653589793, 1e20, -0.0], [nan, inf, -inf]])"
    same_bytes("savetxt_default.txt", f"savetxt(PATH, {table})")
    same_bytes("savetxt_options.txt",
               f'savetxt(PATH, {table}, fmt="%.3f", delimiter=",", header="x,y,z\\nunits", footer="end")')
    same_bytes("savetxt_columns.txt",
               'savetxt(PATH, arange(6).reshape(3, 2) - 2, fmt=("%5d", "%-4x|"), delimiter=";", comments="//")')
    same_bytes("savetxt_vector.txt", 'savetxt(PATH, linspace(0, 1, 4).astype(float32), fmt="%s", newline=" ")')
    same_bytes("savetxt_ints.txt", "savetxt(PATH, arange(-3, 3, dtype=int8).reshape(2, 3))")
    same_bytes("savetxt_bool.txt", 'savetxt(PATH, array([True, False]), fmt="%d")')
    same_bytes("savetxt_multi.txt", 'savetxt(PATH, arange(4.0).reshape(2, 2), fmt="a=%g b=%08.3f")')
    npy("float64_fortran.npy", np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))
    npy("int32_fortran_be.npy", np.asfortranarray(np.arange(12, dtype=">i4").reshape(3, 4)))
    npy("scalar_0d.npy", np.array(2.5))
    npy("empty.npy", np.zeros((0, 3), dtype=np.int16))
    npy("vector.npy", np.linspace(0, 1, 7))

    def npz(name, writer, *args, **kw):
        writer(OUT / name, *args, **kw)
        with np.load(OUT / name) as d:
            parts = [f'== load("DIR/{name}")']
            for k in d.files:
                parts.append(f"-- {k}\n{describe(d[k])}")
        expected.append("\n".join(parts))

    npz("stored.npz", np.savez, np.arange(5), np.eye(2, dtype=np.float32), flags=np.array([True, False]))
    npz("compressed.npz", np.savez_compressed, x=np.arange(30, dtype=np.int64) % 7,
        y=np.linspace(-1, 1, 5))

    # Text files for loadtxt (written by savetxt where it can, else verbatim).
    np.savetxt(OUT / "table.csv", np.array([[1.5, -2.0, 3.25], [4.0, 5.5, -6.75]]), delimiter=",",
               header="a,b,c")
    (OUT / "mixed.txt").write_text("# temperature log\n\n 1  2.5   nan\n3\t-inf 4e-3  # trailing\n5 6 7\n")
    # (file, keyword arguments as hpxl source, the same for NumPy)
    for name, hx_kw, kw in [("table.csv", 'delimiter=","', dict(delimiter=",")),
                            ("mixed.txt", "", {}),
                            ("mixed.txt", "usecols=(0, 2), dtype=float32", dict(usecols=(0, 2), dtype=np.float32)),
                            ("mixed.txt", "usecols=1, ndmin=2", dict(usecols=1, ndmin=2)),
                            ("table.csv", 'delimiter=",", unpack=True, max_rows=1', dict(delimiter=",", unpack=True, max_rows=1))]:
        a = np.loadtxt(OUT / name, **kw)
        call = f'loadtxt("DIR/{name}"' + (f", {hx_kw})" if hx_kw else ")")
        expected.append(f"== {call}\n{describe(a)}")

    (OUT / "saves.txt").write_text("\n".join(saves) + "\n")
    (OUT / "expected.txt").write_text("\n".join(expected) + "\n")
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
