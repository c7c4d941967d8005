"""Frozen entry point of `hall-counter`."""

from entry_common import start

from counter.app import main

if __name__ == "__main__":
    start(main)
