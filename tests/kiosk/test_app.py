"""`hall-kiosk --self-test` and `--screenshots` as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from common.db.models import Ticket

REPO = Path(__file__).resolve().parents[2]


def run_kiosk(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    env.pop("HALL_DB_URL", None)
    return subprocess.run([sys.executable, "-m", "kiosk.app", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_self_test_with_a_temporary_demo_hall():
    proc = run_kiosk("--self-test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "自检通过" in proc.stdout
    assert "取号成功" in proc.stdout


def test_self_test_issues_a_real_ticket_into_the_given_database(hall):
    proc = run_kiosk("--self-test", "--db", hall.db.url, "--site", "TEST")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with hall.db.read() as s:
        numbers = list(s.scalars(select(Ticket.number)))
    assert len(numbers) == 1 and numbers[0] in proc.stdout


def test_self_test_fails_loudly_without_a_reachable_database():
    proc = run_kiosk("--self-test", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/hall")
    assert proc.returncode != 0
    assert "无法连接数据库" in proc.stderr


def test_screenshots_of_every_screen(tmp_path):
    out = tmp_path / "shots"
    proc = run_kiosk("--screenshots", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = {p.name for p in out.glob("*.png")}
    for screen in ("home", "queues", "priority", "phone", "ticket", "error_printer",
                   "guide", "guide_search", "guide_words", "guide_departments", "guide_bundles", "item_guide",
                   "item_guide_printed", "bundle_guide", "lookup", "lookup_keypad", "lookup_error", "progress",
                   "complaint_category", "complaint_window", "complaint_phrases", "complaint_phone",
                   "complaint_done", "checkin"):
        for mode in ("zh", "en", "elderly"):
            assert f"{screen}_{mode}.png" in names
    for name in ("admin_zh.png", "error_db_zh.png", "guide_portrait_zh.png", "lookup_portrait_elderly.png",
                 "home_portrait_zh.png", "queues_portrait_zh.png"):
        assert name in names
    assert Image.open(out / "home_zh.png").size == (1920, 1080)
    assert Image.open(out / "home_portrait_zh.png").size == (1080, 1920)
    assert Image.open(out / "queues_portrait_elderly.png").size == (1080, 1920)
