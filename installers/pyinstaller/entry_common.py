"""Shared start-up for the frozen executables (PyInstaller): multiprocessing support, and `-c CODE`.

`hall doctor` checks Qt in a child process started as ``[sys.executable, "-c", code]``; in a frozen bundle
sys.executable is the program itself, so `hall` (only it) runs that snippet the way ``python -c`` would.
"""

from __future__ import annotations

import multiprocessing
import sys


def start(main, *, python_c: bool = False) -> None:
    multiprocessing.freeze_support()
    if python_c and getattr(sys, "frozen", False) and len(sys.argv) >= 3 and sys.argv[1] == "-c":
        code = sys.argv[2]
        sys.argv = ["-c", *sys.argv[3:]]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
        sys.exit(0)
    sys.exit(main())
