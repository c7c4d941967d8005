"""Frozen entry point of `hall-display`."""

from entry_common import start

from kiosk.display_app import main

if __name__ == "__main__":
    start(main)
