"""`hall-display --screenshots DIR` / `--self-test` / `--voice-check`: the real app on the demo hall, offscreen."""

from __future__ import annotations

import pytest

from kiosk import display_app
from kiosk.qt import QImage


def test_screenshots_both_orientations(tmp_path, capsys):
    out = tmp_path / "shots"
    assert display_app.main(["--screenshots", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "自检通过" in printed and "已显示" in printed and "语音播报两遍" in printed
    sizes = {p.name: (QImage(str(p)).width(), QImage(str(p)).height()) for p in out.glob("*.png")}
    assert sizes["display-landscape.png"] == (1920, 1080)
    assert sizes["display-landscape-flash.png"] == (1920, 1080)
    assert sizes["display-portrait.png"] == (1080, 1920)
    assert sizes["display-portrait-stale.png"] == (1080, 1920)
    assert sizes["display-landscape-stale.png"] == (1920, 1080)
    assert sizes["display-zone-landscape.png"] == (1920, 1080)


@pytest.mark.slow
def test_self_test_exits_zero(capsys):
    assert display_app.main(["--self-test", "--voice", "chime"]) == 0
    assert "自检通过" in capsys.readouterr().out


def test_voice_check(capsys):
    assert display_app.main(["--voice-check", "--voice", "none"]) == 0
    assert "已关闭" in capsys.readouterr().out
    rc = display_app.main(["--voice-check", "--voice", "clips"])
    printed = capsys.readouterr().out
    assert rc in (0, 1) and "语音播报（录音片段拼接）" in printed


def test_bad_config_is_a_usage_error(tmp_path, capsys):
    cfg = tmp_path / "machine.toml"
    cfg.write_text('[display]\norientation = "sideways"\n', encoding="utf-8")
    assert display_app.main(["--config", str(cfg), "--self-test"]) == 2
    assert "配置文件有误" in capsys.readouterr().err
