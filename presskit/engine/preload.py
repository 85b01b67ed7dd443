"""The fork server's preload module: importing it warms the engine (see jobs.py).

multiprocessing's fork server imports this once; every build worker is then forked from a
process that has WeasyPrint imported, fonts loaded and a page laid out, and starts warm.
"""
from ..jobs import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001 - each worker warms up again and reports what went wrong
    pass
