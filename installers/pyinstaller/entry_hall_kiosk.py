"""Frozen entry point of `hall-kiosk`."""

from entry_common import start

from kiosk.app import main

if __name__ == "__main__":
    start(main)
