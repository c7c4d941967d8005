"""The kiosk reads its behaviour from the machine config (machine.toml)."""

from __future__ import annotations

from common.config import parse_config_text
from kiosk.controller import KioskOptions
from kiosk.printing import TicketPrinter

TOML = """
[machine]
language = "en"
[kiosk]
fullscreen = true
idle_timeout_s = 45
admin_pin = "8642"
elderly_mode_default = true
[printer]
kind = "dummy"
paper_width_mm = 58
"""


def test_options_from_machine_config():
    cfg = parse_config_text(TOML)
    opts = KioskOptions.from_config(cfg)
    assert (opts.idle_timeout_ms, opts.admin_pin, opts.fullscreen, opts.elderly_default, opts.language) == (
        45_000, "8642", True, True, "en")
    assert KioskOptions.from_config(cfg, windowed=True).fullscreen is False


def test_printer_from_machine_config():
    printer = TicketPrinter(parse_config_text(TOML).printer)
    assert printer.enabled and printer.settings.kind == "dummy" and printer.settings.paper_width_mm == 58
    assert not TicketPrinter(parse_config_text("").printer).enabled


def test_config_language_and_elderly_default_apply(qtbot, hall, make_kiosk):
    from kiosk import i18n

    cfg = parse_config_text(TOML)
    opts = KioskOptions.from_config(cfg, windowed=True)
    kiosk = make_kiosk(hall, **{k: getattr(opts, k) for k in ("elderly_default", "language")})
    assert kiosk.window.elderly and i18n.is_english()
    assert kiosk.window.home.take_tile.title_label.text() == "Take a Number"
