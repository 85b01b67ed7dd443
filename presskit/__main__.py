"""`python -m presskit`, and the `presskit` command, whose script imports run() from here.

The command line (click and all of presskit.cli) is imported when run() is called, not when
this module is: multiprocessing starts every build worker by running the command's script
again (as __mp_main__), and a worker that renders PDFs has no use for the command line. At
module level, it cost each worker 20 to 30 ms of its start, on the critical path of a cold
build.
"""


def run() -> None:
    from presskit.cli import main

    try:
        main(prog_name="presskit")
    except SystemExit as done:
        from presskit.cli import ends_at_once

        if ends_at_once():
            end_now(done.code)
        raise


def end_now(code) -> None:
    """End the process without tearing the interpreter down, once a command has written and
    closed all it writes (cli.ends_at_once).

    After a build, freeing the project, its HTML and every module one by one costs 15 to 20 ms
    (a build with nothing to do) to about 50 ms (a cold build of 24) here, and nobody waits
    for it.
    What exit must still do is done: atexit's functions run (multiprocessing's clean-up,
    logging's flush), then the standard streams are flushed.
    """
    import atexit
    import os
    import sys

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed pipe: the reader has gone, as at any exit
            pass
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    run()
