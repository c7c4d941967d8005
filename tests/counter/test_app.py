"""`hall-counter --self-test` and `--screenshots DIR` as a user (or an installer) runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    env.pop("HALL_DB_URL", None)
    return subprocess.run([sys.executable, "-m", "counter.app", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_self_test_exits_zero():
    r = _run("--self-test")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-6000:]
    assert "自检通过" in r.stdout


@pytest.mark.slow
def test_screenshots_writes_every_screen(tmp_path):
    r = _run("--screenshots", str(tmp_path))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-6000:]
    names = {p.stem for p in tmp_path.glob("*.png")}
    for expected in ("login", "login_error", "workspace_idle", "workspace_serving", "workspace_break",
                     "workspace_db_lost", "dialog_transfer", "dialog_call_specific", "dialog_no_show", "dialog_park",
                     "dialog_walk_direct", "dialog_pause", "dialog_consult", "dialog_close", "dialog_sign_out",
                     "pad_idle", "pad_serving", "pad_rating", "pad_reasons", "pad_thanks",
                     # 办件: intake with each handling type, the validation error, notices, desk, inbox, pickup
                     "dialog_intake_empty", "dialog_intake_search", "dialog_intake_immediate",
                     "dialog_intake_rejected", "dialog_intake_correction", "dialog_intake_promised",
                     "dialog_intake_joint", "dialog_intake_escalated", "dialog_intake_urgent", "dialog_intake_error",
                     "dialog_intake_major_reject", "dialog_notice_acceptance", "dialog_notice_correction",
                     "dialog_notice_supplied", "dialog_notice_completion", "cases_detail_correction",
                     "cases_detail_promised", "cases_detail_clock_stopped", "cases_detail_completed", "dialog_supply",
                     "dialog_stop_clock", "dialog_restart_clock", "dialog_extend", "dialog_pickup", "dialog_mail",
                     "login_back_office", "inbox", "inbox_selected"):
        assert expected in names, f"{expected}.png missing; got {sorted(names)}"
    from counter.qt import QPixmap

    png = QPixmap(str(tmp_path / "workspace_serving.png"))
    assert png.width() >= 1000 and png.height() >= 700
    for name in ("workspace_serving", "inbox", "cases_detail_completed"):  # fits the 1280×800 counter screen
        assert QPixmap(str(tmp_path / f"{name}.png")).height() <= 800, name
    intake = QPixmap(str(tmp_path / "dialog_intake_joint.png"))
    assert intake.width() <= 1280 and intake.height() <= 800


def test_rating_pad_needs_a_window(tmp_path):
    r = _run("--rating-pad", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(tmp_path / "none.toml"))
    assert r.returncode == 2
    assert "窗口号" in r.stderr
