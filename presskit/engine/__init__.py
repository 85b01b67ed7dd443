"""Every use of WeasyPrint's, Pyphen's, cffi's and multiprocessing's internals, in one place.

Each is guarded by a check of the version or attribute it relies on and falls back to the
library's own behaviour; tests/test_engine.py runs both ways.
"""
