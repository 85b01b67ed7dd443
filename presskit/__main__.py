"""`python -m presskit`, and the `presskit` command, whose script imports run() from here.

The command line (click and all of presskit.cli) is imported when run() is called, not when
this module is: multiprocessing starts every build worker by running the command's script
again (as __mp_main__), and a worker that renders PDFs has no use for the command line. At
module level, it cost each worker 20 to 30 ms of its start, on the critical path of a cold
build.
"""


def run() -> None:
    from presskit.cli import main

    main(prog_name="presskit")


if __name__ == "__main__":
    run()
