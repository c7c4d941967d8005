"""Frozen entry point of `hall` (the admin command line)."""

from entry_common import start

from common.cli import main

if __name__ == "__main__":
    start(main, python_c=True)
