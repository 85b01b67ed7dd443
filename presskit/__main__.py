"""`python -m presskit`, and the `presskit` command, whose script imports run() from here.

The command line (click and all of presskit.cli) is imported when run() is called, not when
this module is: multiprocessing's fork server imports the command's script again (as
__mp_main__), and a worker that renders PDFs has no use for the command line.
"""


def run() -> None:
    import signal

    from presskit.cli import main

    # `kill` (SIGTERM) stops a command as Ctrl-C does: its workers stopped, no file half
    # written, a send's record complete.
    signal.signal(signal.SIGTERM, _interrupt)
    main(prog_name="presskit")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    run()
