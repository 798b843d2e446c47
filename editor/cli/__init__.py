"""The ``autocut`` command: argument parsing, progress display and exit codes only.

Exit codes: 0 success; 1 bad input (one line on stderr: the file and what is wrong, or the
output was made but some inputs were skipped); 2 usage error; 130 interrupted (Ctrl-C);
143 stopped by SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

from editor.cli.commands import COMMANDS, run_command
from editor.cli.make import make_outputs
from editor.errors import AutocutError, Terminated


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        with _sigterm_unwinds():
            if argv and argv[0] in COMMANDS:
                return run_command(argv[0], argv[1:])
            return make_outputs(argv)
    except AutocutError as exc:
        print(f"autocut: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        print("autocut: stopped (SIGTERM); no partial output was kept", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("autocut: interrupted; no partial output was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whoever read stdout stopped (``| head``): nothing left to say, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread, so the run
    unwinds as it does on Ctrl-C (temporary files removed, helpers stopped)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
