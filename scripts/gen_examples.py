#!/usr/bin/env python3
"""Write examples/NAME.expected: the stdout of examples/NAME.hx run under Python +
NumPy with the golden-test prelude (scripts/gen_golden.py: `from numpy import *` plus
`realize`, `newaxis`, ...). Examples must not fail; an exception aborts the script.

Usage: scripts/gen_examples.py [--check] [NAME.hx ...]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_conformance import run_python  # noqa: E402
from gen_golden import PRELUDE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = [EXAMPLES / Path(f).name for f in args.files] or sorted(EXAMPLES.glob("*.hx"))
    bad = 0
    for f in files:
        stdout, info = run_python(f.read_text(encoding="utf-8"), f.name, f.parent,
                                  prelude=PRELUDE, timeout=600)
        if info is not None:
            raise SystemExit(f"{f.name}: {info['class']} at line {info['line']}: {info['message']}")
        out = f.with_suffix(".expected")
        old = out.read_text(encoding="utf-8") if out.exists() else None
        if old != stdout:
            if args.check:
                print(f"stale: {out.name}")
                bad += 1
            else:
                out.write_text(stdout, encoding="utf-8")
                print(f"wrote {out.name}")
    print(f"{len(files)} examples" + (f", {bad} stale" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
