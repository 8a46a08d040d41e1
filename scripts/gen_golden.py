#!/usr/bin/env python3
"""Fill in the expectation headers of the hpxl golden programs (tests/golden/*.hx).

A golden program is hpxl-native source (no `np.` prefix) that starts with a header:

    # test: <one-line description>
    # expect-stdout:
    # | line 1 of output
    # | line 2
    # expect-error: E0300 line 7       (only for failing programs)

The header is the longest prefix of lines that start with `# test:`, `# kernels:`, `# expect-` or
`# |` (an output line is `# | ` + text, or just `# |` when the line is empty). Everything
after it is the program. This script runs the program under Python + NumPy with a
prelude (PRELUDE below: `from numpy import *` and the few hpxl names NumPy lacks), and
rewrites the header from what NumPy printed. The error line N counts lines of the .hx
file as written (header included). The code comes from the mapping in
gen_conformance.py (`hpxl_code`).

Usage:
    scripts/gen_golden.py             # rewrite headers of every tests/golden/*.hx
    scripts/gen_golden.py --check     # report stale headers, exit 1 if any
    scripts/gen_golden.py FILE.hx ... # only these files
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_conformance import extra_prelude, run_python  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

# Makes hpxl-native source runnable by Python + NumPy. It is executed before the
# program and does not count towards line numbers.
PRELUDE = """\
import numpy as np
from numpy import *
newaxis = None
inf = np.inf
nan = np.nan
pi = np.pi
e = np.e
def realize(*arrays):
    return arrays[0] if len(arrays) == 1 else arrays
"""


def split_header(text):
    """Returns (description, extra header lines, body_lines) of a golden file."""
    lines = text.split("\n")
    desc = None
    extra = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("# test:"):
            desc = line[len("# test:"):].strip()
        elif line.startswith("# kernels:"):
            # Asserted by the test runner (cranelift kernel launches), kept as written.
            extra.append(line)
        elif line.startswith("# expect-") or line == "# |" or line.startswith("# | "):
            pass
        else:
            break
        i += 1
    if desc is None:
        raise ValueError("missing `# test:` line")
    return desc, extra, lines[i:]


def render(desc, extra, body_lines, stdout, info):
    header = [f"# test: {desc}"] + extra + ["# expect-stdout:"]
    out_lines = stdout.split("\n")
    if out_lines and out_lines[-1] == "":
        out_lines.pop()
    header += [("# | " + l) if l else "# |" for l in out_lines]
    if info is not None:
        line = len(header) + 1 + info["line"]
        header.append(f"# expect-error: {info['code']} line {line}")
    return "\n".join(header + body_lines)


def regenerate(path):
    text = path.read_text(encoding="utf-8")
    desc, extra, body_lines = split_header(text)
    body = "\n".join(body_lines)
    stdout, info = run_python(body, path.name, path.parent, prelude=PRELUDE + extra_prelude())
    if stdout and not stdout.endswith("\n"):
        raise RuntimeError(f"{path.name}: output must end with a newline")
    return text, render(desc, extra, body_lines, stdout, info), info


HPXL_DEFINED = "# HPXL-DEFINED OUTPUT"


def main_for(directory, pattern, argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args(argv)
    files = [directory / Path(f).name for f in args.files] or sorted(directory.glob(pattern))
    bad = n_err = 0
    for f in files:
        if HPXL_DEFINED in f.read_text(encoding="utf-8"):
            # The expected output is hpxl's own (e.g. the values of its random generator);
            # NumPy cannot produce it. Such files are blessed with HPXL_BLESS=1 instead.
            print(f"skipped {f.name} (hpxl-defined output)")
            continue
        old, new, info = regenerate(f)
        n_err += info is not None
        if old != new:
            if args.check:
                print(f"stale: {f.name}")
                bad += 1
            else:
                f.write_text(new, encoding="utf-8")
                print(f"wrote {f.name}")
    print(f"{len(files)} golden programs, {n_err} expected to fail" + (f", {bad} stale" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main_for(GOLDEN, "*.hx"))
