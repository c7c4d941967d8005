"""The demo hall (catalog of 205 items, 11 一件事, 11 queues) for the guide, lookup and complaint tests.

Loading the demo takes seconds (catalog import, Argon2), so it is loaded once per test session into a template
file and copied for every test. Holds fixtures and helpers only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.kiosk.test_flow import WAIT_MS, click, wait_view


@dataclass
class DemoHall:
    db: Any
    site: Any  # SiteInfo of the hall (COUNTY)
    now: dt.datetime  # inside opening hours on a working day

    def clock(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory) -> Path:
    from common.db import connect
    from common.services.demo import load_demo_hall

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    shutil.copy(sqlite_template, path)
    db = connect(f"sqlite:///{path}")
    load_demo_hall(db)
    db.dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo(demo_template, tmp_path) -> DemoHall:
    from common.db import connect
    from common.services.sites import resolve_site
    from kiosk.selftest import opening_moment

    path = tmp_path / "hall.db"
    shutil.copy(demo_template, path)
    db = connect(f"sqlite:///{path}")
    yield DemoHall(db, resolve_site(db), opening_moment(db))
    db.dispose()


def clerk(db, staff_no: str = "1001"):
    """The Actor of a demo clerk, signed in as at the counter."""
    from common.services.auth import login
    from common.services.demo import DEMO_PASSWORD

    return login(db, staff_no, DEMO_PASSWORD)


def open_guide(qtbot, kiosk) -> None:
    w = kiosk.window
    qtbot.waitUntil(lambda: not kiosk.busy, timeout=WAIT_MS)
    click(qtbot, w.home.feature_tiles["lookup"])
    wait_view(qtbot, kiosk, w.guide)
    qtbot.waitUntil(lambda: kiosk.index is not None, timeout=WAIT_MS)


def type_keys(qtbot, keypad, text: str) -> None:
    for ch in text:
        click(qtbot, keypad.key_buttons[ch])
