"""Tests for common.config: declarations, loading, error messages, writing, set_option, URLs."""

from __future__ import annotations

import tomllib
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import platformdirs
import pytest

from common.config import (
    ConfigError,
    DatabaseOptions,
    MachineConfig,
    data_dir,
    default_config_path,
    default_config_text,
    iter_options,
    load_config,
    option_spec,
    parse_config_text,
    resolve_db_url,
    set_option,
    sqlite_url,
    write_default_config,
)


@pytest.fixture
def cfg_path(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "machine.toml"


def err_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        parse_config_text(text, "machine.toml")
    return exc.value


# -- declarations -------------------------------------------------------------------------


def test_every_requested_option_is_declared():
    keys = {spec.key for spec in iter_options()}
    expected = {
        "machine.role", "machine.site", "machine.window", "machine.zone", "machine.language",
        "database.url",
        "printer.kind", "printer.host", "printer.port", "printer.usb_vendor", "printer.usb_product",
        "printer.serial_device", "printer.baudrate", "printer.cups_queue", "printer.win32_name",
        "printer.file_path", "printer.paper_width_mm", "printer.mode", "printer.native_qr",
        "kiosk.fullscreen", "kiosk.idle_timeout_s", "kiosk.admin_pin", "kiosk.elderly_mode_default",
        "display.orientation", "display.voice_backend", "display.voice_repeat", "display.voice_english",
        "display.number_reading", "display.zone_filter",
    }  # fmt: skip
    assert keys == expected


def test_every_option_has_chinese_description_and_valid_default():
    for spec in iter_options():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.description), spec.key
        assert spec.coerce(spec.default) == spec.default


def test_defaults():
    cfg = MachineConfig()
    assert cfg.machine.role == "counter"
    assert cfg.machine.language == "zh_CN"
    assert cfg.database.url == ""
    assert cfg.printer.kind == "none"
    assert cfg.printer.port == 9100
    assert cfg.printer.paper_width_mm in (58, 80)
    assert cfg.printer.mode == "raster"
    assert cfg.display.voice_repeat in (1, 2, 3)
    assert cfg.get("printer.port") == 9100
    assert list(cfg.as_dict())[0] == "machine.role"


def test_config_is_frozen():
    cfg = MachineConfig()
    with pytest.raises(FrozenInstanceError):
        cfg.printer.port = 1  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        cfg.printer = None  # type: ignore[misc]


def test_dataclass_fields_and_specs_agree():
    for name in ("machine", "database", "printer", "kiosk", "display"):
        cls = type(getattr(MachineConfig(), name))
        assert [f.name for f in fields(cls)] == [s.name for s in iter_options() if s.section == name]


def test_option_spec_unknown_suggests():
    with pytest.raises(ConfigError, match="是否想写 printer.port"):
        option_spec("printer.prot")


# -- locations ----------------------------------------------------------------------------


def test_default_config_path(monkeypatch, tmp_path):
    monkeypatch.delenv("HALL_CONFIG", raising=False)
    expected = Path(platformdirs.user_config_dir("govhall", appauthor=False)) / "machine.toml"
    assert default_config_path() == expected
    monkeypatch.setenv("HALL_CONFIG", str(tmp_path / "x.toml"))
    assert default_config_path() == tmp_path / "x.toml"
    assert default_config_path({"HALL_CONFIG": "/etc/govhall/m.toml"}) == Path("/etc/govhall/m.toml")


def test_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("HALL_DATA_DIR", raising=False)
    assert data_dir() == Path(platformdirs.user_data_dir("govhall", appauthor=False))
    target = tmp_path / "data" / "hall"
    monkeypatch.setenv("HALL_DATA_DIR", str(target))
    assert data_dir() == target
    assert not target.exists()
    assert data_dir(create=True).is_dir()


# -- resolve_db_url -----------------------------------------------------------------------


def test_db_url_precedence(tmp_path):
    env = {"HALL_DATA_DIR": str(tmp_path), "HALL_DB_URL": "postgresql+psycopg://env/hall"}
    cfg = MachineConfig(database=DatabaseOptions(url="postgresql+psycopg://file/hall"))
    assert resolve_db_url("sqlite:///cli.db", cfg, environ=env) == "sqlite:///cli.db"
    assert resolve_db_url(None, cfg, environ=env) == "postgresql+psycopg://env/hall"
    assert resolve_db_url("", cfg, environ=env) == "postgresql+psycopg://env/hall"
    env.pop("HALL_DB_URL")
    assert resolve_db_url(None, cfg, environ=env) == "postgresql+psycopg://file/hall"
    default = resolve_db_url(None, MachineConfig(), environ=env)
    assert default == sqlite_url(tmp_path / "hall.db")
    assert default.startswith("sqlite:///") and default.endswith("/hall.db")
    assert resolve_db_url(None, None, environ=env) == default


def test_sqlite_url_is_absolute(tmp_path):
    url = sqlite_url(tmp_path / "hall.db")
    assert url == "sqlite:///" + (tmp_path / "hall.db").resolve().as_posix()


# -- loading ------------------------------------------------------------------------------


def test_missing_file_gives_defaults(cfg_path):
    cfg = load_config(cfg_path)
    assert cfg == MachineConfig()
    assert cfg.source is None


def test_load_full_file(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text(
        """
[machine]
role = "kiosk"
site = "320106"
window = 12
zone = "A"
language = "en"

[database]
url = "postgresql+psycopg://hall@10.0.0.5/hall"

[printer]
kind = "usb"
usb_vendor = "0x0416"
usb_product = 0x5011
paper_width_mm = 58
mode = "gb18030"
native_qr = true
baudrate = 115200
file_path = 'C:\\tickets\\out.bin'

[kiosk]
fullscreen = false
idle_timeout_s = 600
admin_pin = "20260101"

[display]
orientation = "portrait"
voice_backend = "clips"
voice_repeat = 3
voice_english = true
number_reading = "natural"
zone_filter = "B"
""",
        encoding="utf-8",
    )
    cfg = load_config(cfg_path)
    assert cfg.source == cfg_path
    assert cfg.machine.role == "kiosk" and cfg.machine.window == 12 and cfg.machine.language == "en"
    assert cfg.database.url.startswith("postgresql")
    assert cfg.printer.usb_vendor == 0x0416 and cfg.printer.usb_product == 0x5011
    assert cfg.printer.paper_width_mm == 58 and cfg.printer.native_qr is True
    assert cfg.printer.file_path == "C:\\tickets\\out.bin"
    assert cfg.kiosk.fullscreen is False and cfg.kiosk.admin_pin == "20260101"
    assert cfg.display.number_reading == "natural" and cfg.display.voice_repeat == 3


def test_load_uses_hall_config_env(monkeypatch, cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text('[machine]\nrole = "display"\n', encoding="utf-8")
    monkeypatch.setenv("HALL_CONFIG", str(cfg_path))
    assert load_config().machine.role == "display"


def test_utf8_bom_accepted(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_bytes('\ufeff[machine]\nzone = "东区"\n'.encode("utf-8"))
    assert load_config(cfg_path).machine.zone == "东区"


def test_non_utf8_file(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_bytes('[machine]\nzone = "东区"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8") as exc:
        load_config(cfg_path)
    assert exc.value.line == 2


def test_dotted_top_level_keys():
    cfg = parse_config_text('printer.kind = "network"\nprinter.host = "10.0.0.9"\n')
    assert cfg.printer.kind == "network" and cfg.printer.host == "10.0.0.9"


def test_lenient_but_typed_values():
    cfg = parse_config_text('[printer]\nport = "9101"\nnative_qr = "yes"\n')
    assert cfg.printer.port == 9101 and cfg.printer.native_qr is True


# -- error messages -----------------------------------------------------------------------


def test_bad_port_names_file_line_and_option(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text(
        '# comment\n[machine]\nrole = "counter"\n\n[printer]\nkind = "network"\nport = "abc"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(cfg_path)
    err = exc.value
    assert str(err) == f'{cfg_path} 第 7 行：printer.port 应为 1–65535 的整数，当前为 "abc"'
    assert err.line == 7 and err.option == "printer.port" and err.path == cfg_path


def test_same_key_in_other_section_not_confused():
    text = '[machine]\nzone = "A"\n\n[display]\nzone_filter = "A"\nvoice_repeat = 9\n'
    err = err_of(text)
    assert err.line == 6 and err.option == "display.voice_repeat"
    assert "应为 1–3 的整数" in str(err) and "当前为 9" in str(err)


@pytest.mark.parametrize(
    "text,line,fragments",
    [
        ('[machine]\nrole = "teller"\n', 2, ["machine.role", '应为以下之一', '"kiosk"', '当前为 "teller"']),
        ("[printer]\nport = 70000\n", 2, ["printer.port", "1–65535", "当前为 70000"]),
        ("[printer]\nport = true\n", 2, ["printer.port", "当前为 true"]),
        ("[printer]\npaper_width_mm = 76\n", 2, ["58、80", "当前为 76"]),
        ("[printer]\nusb_vendor = \"0xZZ\"\n", 2, ["printer.usb_vendor", "十六进制"]),
        ("[printer]\nusb_vendor = 0x10000\n", 2, ["0–65535"]),
        ("[kiosk]\nidle_timeout_s = 5\n", 2, ["kiosk.idle_timeout_s", "10–600", "当前为 5"]),
        ('[kiosk]\nadmin_pin = "12ab"\n', 2, ["kiosk.admin_pin", "4–8 位数字"]),
        ('[kiosk]\nadmin_pin = "123456789"\n', 2, ["kiosk.admin_pin"]),
        ("[kiosk]\nadmin_pin = 1234\n", 2, ["kiosk.admin_pin", "当前为 1234"]),
        ('[kiosk]\nfullscreen = "maybe"\n', 2, ["kiosk.fullscreen", "true 或 false"]),
        ("[display]\nvoice_repeat = 0\n", 2, ["display.voice_repeat"]),
        ('[display]\nnumber_reading = "roman"\n', 2, ["display.number_reading"]),
        ("[machine]\nsite = 3201\n", 2, ["machine.site", "双引号"]),
        ('\n\n[printer]\nkind = "network"\nprot = 9100\n', 5, ["未知选项 printer.prot", "printer.port"]),
        ('[machine]\nrole = "kiosk"\n[printers]\nkind = "usb"\n', 3, ["未知的配置节 [printers]"]),
        ('role = "kiosk"\n', 1, ["role", "[machine]"]),
        ("machine = 3\n", 1, ["machine"]),
        ("printer.port = 0\n", 1, ["printer.port"]),
    ],
)
def test_value_errors(text, line, fragments):
    err = err_of(text)
    assert err.line == line, str(err)
    assert str(err).startswith(f"machine.toml 第 {line} 行：")
    for fragment in fragments:
        assert fragment in str(err)


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("[machine]\nrole = kiosk\n", 2, "文字需要用双引号"),
        ('[machine]\nrole = "kiosk\n', 2, "引号"),
        ("[machine\nrole = 1\n", 1, "缺少“]”"),
        ("[machine]\nwindow\n", 2, "等号"),
        ("[machine]\nwindow = 1\n\nwindow = 2\n", 4, "重复"),
        ("[machine]\n[machine]\n", 2, "重复声明"),
        ('[printer]\nfile_path = "C:\\tickets\\x.bin"\n', 2, "反斜杠"),
    ],
)
def test_syntax_errors_translated_with_line(text, line, fragment):
    err = err_of(text)
    assert err.line == line, str(err)
    assert "TOML 语法错误" in str(err)
    assert fragment in str(err)
    assert str(err).startswith(f"machine.toml 第 {line} 行")


def test_syntax_error_has_column():
    err = err_of("[machine]\nrole = kiosk\n")
    assert err.column == 8
    assert str(err).startswith("machine.toml 第 2 行第 8 列：")


# -- writing the default file -------------------------------------------------------------


def test_default_file_parses_to_defaults(cfg_path):
    written = write_default_config(cfg_path)
    assert written == cfg_path
    text = cfg_path.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {s: {} for s in ("machine", "database", "printer", "kiosk", "display")}
    assert load_config(cfg_path) == MachineConfig()


def test_default_file_lists_every_option_with_default_and_description():
    text = default_config_text()
    for spec in iter_options():
        assert f"# {spec.name} = " in text, spec.key
        assert spec.description in text
    assert "# port = 9100" in text
    assert '# role = "counter"' in text
    assert "# native_qr = false" in text


def test_default_file_uncommented_is_valid_and_default():
    # Uncommenting every "# key = value" line must give a valid file with the same values.
    lines = []
    for line in default_config_text().splitlines():
        spec_names = {s.name for s in iter_options()}
        stripped = line[2:] if line.startswith("# ") else None
        if stripped and stripped.split(" = ")[0] in spec_names:
            lines.append(stripped)
        else:
            lines.append(line)
    assert parse_config_text("\n".join(lines)) == MachineConfig()


def test_write_default_refuses_to_overwrite(cfg_path):
    write_default_config(cfg_path)
    with pytest.raises(ConfigError, match="已存在"):
        write_default_config(cfg_path)
    write_default_config(cfg_path, overwrite=True)


# -- set_option ---------------------------------------------------------------------------


def test_set_option_on_default_file(cfg_path):
    write_default_config(cfg_path)
    before = cfg_path.read_text(encoding="utf-8").splitlines()
    cfg = set_option(cfg_path, "printer.kind", "network")
    assert cfg.printer.kind == "network"
    after = cfg_path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [('# kind = "none"', 'kind = "network"')]
    assert load_config(cfg_path).printer.kind == "network"


def test_set_option_typed_from_strings(cfg_path):
    write_default_config(cfg_path)
    set_option(cfg_path, "printer.port", "9101")
    set_option(cfg_path, "printer.usb_vendor", "0x0416")
    set_option(cfg_path, "printer.native_qr", "true")
    set_option(cfg_path, "kiosk.admin_pin", "0123")
    cfg = set_option(cfg_path, "printer.file_path", 'C:\\tickets\\"out".bin')
    assert cfg.printer.port == 9101
    assert cfg.printer.usb_vendor == 0x0416
    assert cfg.printer.native_qr is True
    assert cfg.kiosk.admin_pin == "0123"
    assert cfg.printer.file_path == 'C:\\tickets\\"out".bin'
    text = cfg_path.read_text(encoding="utf-8")
    assert "usb_vendor = 0x0416" in text
    assert load_config(cfg_path) == cfg


def test_set_option_replaces_active_line_and_keeps_comments(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text(
        '# 三楼东侧取号机\n[machine]\nrole = "kiosk"  # 旧值\nzone = "A"\n\n[printer]\nport = 9100\n',
        encoding="utf-8",
    )
    set_option(cfg_path, "machine.role", "display")
    text = cfg_path.read_text(encoding="utf-8")
    assert text == '# 三楼东侧取号机\n[machine]\nrole = "display"\nzone = "A"\n\n[printer]\nport = 9100\n'
    set_option(cfg_path, "machine.window", 3)
    text = cfg_path.read_text(encoding="utf-8")
    assert text == (
        '# 三楼东侧取号机\n[machine]\nrole = "display"\nzone = "A"\nwindow = 3\n\n[printer]\nport = 9100\n'
    )


def test_set_option_adds_missing_section(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text('[machine]\nrole = "kiosk"', encoding="utf-8")  # no final newline
    cfg = set_option(cfg_path, "display.voice_repeat", "3")
    assert cfg.display.voice_repeat == 3 and cfg.machine.role == "kiosk"
    assert "[display]\nvoice_repeat = 3\n" in cfg_path.read_text(encoding="utf-8")


def test_set_option_dotted_top_level_key(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text("printer.port = 9100\n", encoding="utf-8")
    cfg = set_option(cfg_path, "printer.port", "9200")
    assert cfg.printer.port == 9200
    assert cfg_path.read_text(encoding="utf-8") == "printer.port = 9200\n"


def test_set_option_creates_file(cfg_path):
    cfg = set_option(cfg_path, "machine.role", "kiosk")
    assert cfg.machine.role == "kiosk"
    text = cfg_path.read_text(encoding="utf-8")
    assert 'role = "kiosk"' in text and "# port = 9100" in text


def test_set_option_keeps_crlf(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_bytes(b'[machine]\r\nrole = "kiosk"\r\n')
    set_option(cfg_path, "machine.role", "admin")
    set_option(cfg_path, "machine.zone", "B")
    assert cfg_path.read_bytes() == b'[machine]\r\nrole = "admin"\r\nzone = "B"\r\n'


@pytest.mark.parametrize(
    "key,value,fragment",
    [
        ("printer.port", "abc", "printer.port 应为 1–65535 的整数"),
        ("printer.kind", "bluetooth", "应为以下之一"),
        ("kiosk.idle_timeout_s", "5", "10–600"),
        ("kiosk.admin_pin", "12", "4–8 位数字"),
        ("printer.prot", "1", "未知选项 printer.prot"),
    ],
)
def test_set_option_rejects_bad_values_without_touching_file(cfg_path, key, value, fragment):
    write_default_config(cfg_path)
    before = cfg_path.read_bytes()
    with pytest.raises(ConfigError, match=fragment):
        set_option(cfg_path, key, value)
    assert cfg_path.read_bytes() == before


def test_set_option_refuses_to_write_a_broken_file(cfg_path):
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text('[machine]\nrole = "kiosk"\nbogus = 1\n', encoding="utf-8")
    before = cfg_path.read_bytes()
    with pytest.raises(ConfigError, match="未知选项 machine.bogus"):
        set_option(cfg_path, "machine.zone", "A")
    assert cfg_path.read_bytes() == before
