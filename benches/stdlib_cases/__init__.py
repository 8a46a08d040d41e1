"""Baselines for the standard-library cases of `hpxl bench` (issue 4), one module per area.

`benches/compare.py` imports every module here. A module defines

    def baselines(case):
        # case: one `hpxl bench --json` case object (name, shape, iterations, ...).
        # Returns None when the case is not this module's, else a dict from baseline
        # name ("numpy", "bottleneck", "pandas") to a zero-argument function that runs
        # the same computation on the same data as the hpxl case (built untimed here).
        ...

    # Targets: case name -> list of (baseline name, minimum speed-up of hpxl over it).
    TARGETS = {"rolling_mean": [("bottleneck", 1.5)]}

`compare.py --install` pip-installs pandas and bottleneck when they are missing.
"""
