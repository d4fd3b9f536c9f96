"""KAMDesk benchmarks: ``python -m benchmarks.run [--scale small|full] [--only NAME]``.

One module per area registers its benchmarks with :func:`benchmarks.registry.benchmark`;
each measures a figure *and* a baseline in the same run, so the ratio stays
meaningful on any machine. :mod:`benchmarks.run` finds every module of this package,
runs what was asked, prints each figure with its ratio and rewrites ``RESULTS.md``.
Datasets live in ``benchmarks/.data/`` (not in git) and are reused between runs.
"""
