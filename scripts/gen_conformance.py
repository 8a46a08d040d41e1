#!/usr/bin/env python3
"""Generate the expected outputs of the NumPy conformance corpus.

Every `tests/conformance/NNN_topic.py` is a plain Python + NumPy program. This script
runs each one with `python3` (cwd = the corpus directory, PYTHONHASHSEED=0) and writes
`NNN_topic.expected` next to it: the program's exact stdout, followed, when the program
raised, by one trailer line

    #! error <ExceptionClass> line <N> code <E....>

where N is the line of the failing statement in the program file (the last traceback
frame that lies in that file; for SyntaxError/IndentationError/TabError the line Python
reports) and the code is the hpxl diagnostic code given by `hpxl_code()` below.
If stdout did not end in a newline, one is added before the trailer.

Usage:
    scripts/gen_conformance.py            # (re)write every .expected file
    scripts/gen_conformance.py --check    # report stale/missing/orphan files, exit 1 if any
    scripts/gen_conformance.py 001_literals.py ...   # only these programs

The expected outputs are only ever produced by running NumPy, never typed by hand.
`scripts/gen_golden.py` and `scripts/gen_examples.py` reuse `run_python()` and
`hpxl_code()` from this file.
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "conformance"

# Python exception class -> hpxl diagnostic code (grammar/src/diagnostic.rs).
# Classes are looked up along the exception's MRO, most specific first, so
# TabError hits IndentationError's entry before SyntaxError's and numpy's AxisError
# hits its own entry before ValueError/IndexError. TypeError and ValueError are
# refined by the message in hpxl_code().
EXCEPTION_TO_CODE = {
    "SyntaxError": "E0001",
    "IndentationError": "E0002",   # TabError is a subclass
    "TabError": "E0002",
    "NameError": "E0100",          # UnboundLocalError is a subclass
    "AttributeError": "E0101",
    "TypeError": "E0200",          # argument count/kind; dtype-flavoured ones -> E0400 (below)
    "UFuncTypeError": "E0400",     # e.g. same_kind casting in `+=`
    "OverflowError": "E0400",      # Python int out of bounds for the dtype
    "ValueError": "E0600",         # shape-flavoured ones -> E0300 (below)
    "AxisError": "E0500",
    "IndexError": "E0500",
    "AssertionError": "E0700",
    "ZeroDivisionError": "E0800",
    "MemoryError": "E0900",
    "RecursionError": "E0901",
    "OSError": "E0902",            # FileNotFoundError, PermissionError, IsADirectoryError
}

# Message fragments (lower-case) that turn a ValueError into a shape error E0300.
SHAPE_MESSAGES = ("could not be broadcast", "could not broadcast", "shape",
                  "concatenat", "core dimension", "dimension")
# ...except these, which diagnostic.rs files under E0600 ("reshape size").
VALUE_DESPITE_SHAPE = ("cannot reshape", "inhomogeneous")
# Message fragments that turn a plain TypeError into a dtype error E0400.
DTYPE_MESSAGES = ("boolean", "ufunc", "dtype", "cast")


def hpxl_code(mro_names, message):
    """The hpxl error code for an exception, given its MRO class names and message."""
    msg = message.lower()
    for name in mro_names:
        if name == "ValueError":
            if any(s in msg for s in VALUE_DESPITE_SHAPE):
                return "E0600"
            if any(s in msg for s in SHAPE_MESSAGES):
                return "E0300"
            return "E0600"
        if name == "TypeError":
            if any(s in msg for s in DTYPE_MESSAGES):
                return "E0400"
            return "E0200"
        if name in EXCEPTION_TO_CODE:
            return EXCEPTION_TO_CODE[name]
    return None


# Runs one program: the body arrives on stdin, the file name (for line numbers) in
# argv[1], an optional prelude (executed first, not counted in line numbers) in argv[2].
# The exception, if any, goes to stderr on a marker line as JSON.
DRIVER = r'''
import sys, json, os
path = sys.argv[1]
prelude = sys.argv[2] if len(sys.argv) > 2 else ""
src = sys.stdin.read()
sys.stdin = open(os.devnull)
sys.argv = [path]
g = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
info = None
def describe(exc, line):
    mro = [c.__name__ for c in type(exc).__mro__]
    public = next((n for n in mro if not n.startswith("_")), mro[0])
    return {"class": public, "mro": mro, "message": str(exc), "line": line}
try:
    code = compile(src, path, "exec")
except SyntaxError as exc:
    info = describe(exc, exc.lineno)
else:
    try:
        if prelude:
            exec(compile(prelude, "<prelude>", "exec"), g)
        exec(code, g)
    except SystemExit:
        pass
    except BaseException as exc:
        line = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == path:
                line = tb.tb_lineno
            tb = tb.tb_next
        info = describe(exc, line)
sys.stdout.flush()
if info is not None:
    sys.stderr.write("\n#HPXL-EXC " + json.dumps(info) + "\n")
    sys.stderr.flush()
'''


def run_python(source, filename, cwd, prelude="", timeout=120):
    """Runs `source` as if it were the file `filename`; returns (stdout, exc-info or None)."""
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONWARNINGS", None)
    args = [sys.executable if sys.executable else "python3", "-c", DRIVER, filename]
    if prelude:
        args.append(prelude)
    proc = subprocess.run(args, input=source, cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)
    info = None
    for line in proc.stderr.splitlines():
        if line.startswith("#HPXL-EXC "):
            info = json.loads(line[len("#HPXL-EXC "):])
    if proc.returncode != 0 and info is None:
        raise RuntimeError(f"{filename}: driver failed (rc {proc.returncode}):\n{proc.stderr}")
    if info is not None:
        info["code"] = hpxl_code(info["mro"], info["message"])
        if info["code"] is None:
            raise RuntimeError(f"{filename}: no hpxl code for {info['class']}: {info['message']}")
        if info["line"] is None:
            raise RuntimeError(f"{filename}: {info['class']} has no line in the program")
    return proc.stdout, info


# hpxl functions that NumPy lacks, defined by reference implementations (pandas for the
# rolling windows): every scripts/preludes/*.py, run before each program (the golden
# generator's prelude includes them too); they do not count towards line numbers.
PRELUDES = ROOT / "scripts" / "preludes"


def extra_prelude():
    """The source of every scripts/preludes/*.py, in name order."""
    return "".join(p.read_text(encoding="utf-8") + "\n" for p in sorted(PRELUDES.glob("*.py")))


def expected_text(path):
    """The full .expected content for one conformance program."""
    stdout, info = run_python(path.read_text(encoding="utf-8"), path.name, path.parent, prelude=extra_prelude())
    if info is not None:
        if stdout and not stdout.endswith("\n"):
            stdout += "\n"
        stdout += f"#! error {info['class']} line {info['line']} code {info['code']}\n"
    return stdout


def lint(path):
    """Corpus rules that the generator can check mechanically."""
    problems = []
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0] != "import numpy as np":
        problems.append("first line must be `import numpy as np`")
    if not 5 <= len(lines) <= 60:
        problems.append(f"{len(lines)} lines (want 5-60)")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="report stale files instead of writing")
    ap.add_argument("programs", nargs="*", help="program file names (default: all)")
    args = ap.parse_args()

    if args.programs:
        programs = [CORPUS / Path(p).name for p in args.programs]
    else:
        programs = sorted(CORPUS.glob("[0-9][0-9][0-9]_*.py"))
    bad = 0
    for p in programs:
        for problem in lint(p):
            print(f"lint: {p.name}: {problem}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
        results = dict(zip(programs, pool.map(expected_text, programs)))
    n_err = 0
    for p in programs:
        text = results[p]
        if "\n#! error " in "\n" + text:
            n_err += 1
        out = p.with_suffix(".expected")
        old = out.read_text(encoding="utf-8") if out.exists() else None
        if args.check:
            if old is None:
                print(f"missing: {out.name}")
                bad += 1
            elif old != text:
                print(f"stale: {out.name}")
                bad += 1
        elif old != text:
            out.write_text(text, encoding="utf-8")
            print(f"wrote {out.name}")
    if not args.programs:
        names = {p.stem for p in programs}
        for e in sorted(CORPUS.glob("*.expected")):
            if e.stem not in names:
                print(f"orphan: {e.name}")
                bad += 1
    print(f"{len(programs)} programs, {n_err} expected to fail" + (f", {bad} problems" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
