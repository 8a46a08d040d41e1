"""NumPy baselines for the file I/O cases of `hpxl bench` (src/bench/io.rs).

`npy_roundtrip`: `np.save` then `np.load` of the same float64 vector; `loadtxt`:
`np.loadtxt` of a `%.18e` text file with 4 columns. Files live in a temporary directory
removed when the interpreter exits.
"""

import atexit
import shutil
import tempfile

import numpy as np

MULTIPLIERS = [0.6180339887498949]
_DIR = None


def _dir():
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="hpxl_compare_io_")
        atexit.register(shutil.rmtree, _DIR, True)
    return _DIR


def _vector(n):
    return (np.arange(n) * MULTIPLIERS[0]) % 1.0


def baselines(case):
    name, shape = case["name"], case["shape"]
    if name == "npy_roundtrip":
        a = _vector(shape[0])
        path = f"{_dir()}/roundtrip.npy"

        def roundtrip():
            np.save(path, a)
            return np.load(path)

        return {"numpy": roundtrip}
    if name == "loadtxt":
        rows, cols = shape
        path = f"{_dir()}/values.txt"
        np.savetxt(path, _vector(rows * cols).reshape(rows, cols))
        return {"numpy": lambda: np.loadtxt(path)}
    return None


# hpxl should at least match NumPy on both (I/O bound; loadtxt parses in parallel).
TARGETS = {"npy_roundtrip": [("numpy", 1.0)], "loadtxt": [("numpy", 1.0)]}
