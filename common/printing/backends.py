"""Printer backends: send ESC/POS bytes somewhere and ask how the printer is.

Everything is built from plain `PrinterSettings` (produced by the machine
config). Every failure surfaces as `PrinterError` with a Chinese message the
screen can show as is; a failed print never invalidates a ticket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, fields
from typing import Any, Mapping

KINDS = ("network", "usb", "serial", "cups", "win32raw", "file", "dummy", "none")
MODES = ("raster", "gb18030")


class PrinterError(Exception):
    """A printing failure with a user-facing Chinese message.

    `code` lets callers react without parsing text: not_configured, config,
    unreachable, timeout, paper_out, offline, unsupported, io.
    """

    def __init__(self, message_zh: str, code: str = "io"):
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.code = code


@dataclass
class PrinterSettings:
    kind: str = "none"
    host: str = ""
    port: int = 9100
    usb_vendor: int | str | None = None  # int or hex string such as "0x0416"
    usb_product: int | str | None = None
    serial_device: str = ""
    baudrate: int = 9600
    cups_queue: str = ""
    win32_name: str = ""
    file_path: str = ""
    paper_width_mm: int = 80
    mode: str = "raster"
    native_qr: bool = False
    partial_cut: bool = False
    timeout_s: float = 3.0  # connect/write timeout; kept short so a dead printer does not hang the kiosk

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "PrinterSettings":
        """Build from a config dict, ignoring keys this class does not know."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    @classmethod
    def from_config(cls, options: Any) -> "PrinterSettings":
        """Build from an object with matching attributes (common.config.PrinterOptions)."""
        return cls(**{f.name: getattr(options, f.name) for f in fields(cls) if hasattr(options, f.name)})

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise PrinterError(f"未知的打印机类型：{self.kind}（可选：{'、'.join(KINDS)}）", "config")
        if self.mode not in MODES:
            raise PrinterError(f"未知的打印模式：{self.mode}（可选：raster、gb18030）", "config")
        if int(self.paper_width_mm) not in (58, 80):
            raise PrinterError(f"不支持的纸宽：{self.paper_width_mm} mm（仅支持 58 或 80）", "config")

    def describe(self) -> str:
        """Short Chinese description for logs and the doctor command."""
        where = {
            "network": f"网络打印机 {self.host}:{self.port}",
            "usb": f"USB 打印机 {_fmt_usb_id(self.usb_vendor)}:{_fmt_usb_id(self.usb_product)}",
            "serial": f"串口打印机 {self.serial_device}（{self.baudrate} 波特）",
            "cups": f"CUPS 队列 {self.cups_queue}",
            "win32raw": f"Windows 打印机 {self.win32_name}",
            "file": f"文件/设备 {self.file_path}",
            "dummy": "模拟打印机",
            "none": "未配置打印机",
        }.get(self.kind, self.kind)
        return f"{where}，{self.paper_width_mm} mm，{self.mode}"


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None  # None = unknown
    paper_ok: bool | None
    paper_near_end: bool | None
    message_zh: str

    @property
    def ready(self) -> bool:
        """Not known to be broken (unknown counts as ready: we still try to print)."""
        return self.online is not False and self.paper_ok is not False


UNKNOWN = "未知"

# --- dummy backend (tests, demos) --------------------------------------------

_dummy_lock = threading.Lock()
_dummy_jobs: list[bytes] = []
_dummy_status = PrinterStatus(True, True, False, "正常（模拟打印机）")
_dummy_failure: PrinterError | None = None


def dummy_jobs() -> list[bytes]:
    """Byte strings sent to the dummy backend, oldest first."""
    with _dummy_lock:
        return list(_dummy_jobs)


def reset_dummy() -> None:
    global _dummy_status, _dummy_failure
    with _dummy_lock:
        _dummy_jobs.clear()
        _dummy_status = PrinterStatus(True, True, False, "正常（模拟打印机）")
        _dummy_failure = None


def set_dummy_fault(error: PrinterError | None, status: PrinterStatus | None = None) -> None:
    """Make the dummy fail (e.g. PrinterError("打印机缺纸", "paper_out")) to test fault paths."""
    global _dummy_status, _dummy_failure
    with _dummy_lock:
        _dummy_failure = error
        if status is not None:
            _dummy_status = status


# --- helpers -----------------------------------------------------------------


def _parse_usb_id(value: int | str | None, what: str) -> int:
    if value in (None, "", 0, "0"):  # the machine config uses 0 for "not set"
        raise PrinterError(f"未设置 USB 打印机的{what}（如 0x0416）", "config")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip(), 16)  # USB ids are written in hex, with or without 0x
    except ValueError:
        raise PrinterError(f"USB {what}格式不正确：{value}（应为十六进制，如 0x0416）", "config") from None


def _fmt_usb_id(value: int | str | None) -> str:
    return f"0x{value:04x}" if isinstance(value, int) else str(value or "?")


def _network_reason(exc: BaseException | None) -> tuple[str, str]:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "连接超时，请检查打印机电源、网线和 IP 地址", "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝，请确认端口（一般为 9100）", "unreachable"
    if isinstance(exc, socket.gaierror):
        return "无法解析主机名", "unreachable"
    if isinstance(exc, OSError) and exc.strerror:
        return f"网络错误：{exc.strerror}", "unreachable"
    return "网络错误", "unreachable"


def _open_escpos(settings: PrinterSettings):
    """An opened python-escpos device for network/usb/serial/win32raw."""
    kind = settings.kind
    if kind == "network":
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Network

        if not settings.host:
            raise PrinterError("未设置网络打印机的 IP 地址", "config")
        printer = Network(settings.host, int(settings.port or 9100), timeout=settings.timeout_s)
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            reason, code = _network_reason(exc.__context__)
            raise PrinterError(f"无法连接到打印机 {settings.host}:{settings.port}（{reason}）", code) from None
        return printer
    if kind == "usb":
        from escpos.printer import Usb, usb as escpos_usb

        vendor = _parse_usb_id(settings.usb_vendor, "厂商 ID")
        product = _parse_usb_id(settings.usb_product, "产品 ID")
        if not escpos_usb.is_usable():  # checked first: a half-built Usb object raises in __del__
            raise PrinterError("缺少 USB 支持组件（pyusb），无法使用 USB 打印机", "unsupported")
        try:
            printer = Usb(vendor, product, timeout=int(settings.timeout_s * 1000))
            printer.open()
        except Exception as exc:  # DeviceNotFoundError, USBNotFoundError, usb.core.USBError
            raise PrinterError(
                f"打印机未连接：找不到 USB 打印机 {vendor:04x}:{product:04x}，"
                f"请检查数据线和电源（Linux 下还需 udev 权限）",
                "unreachable",
            ) from exc
        return printer
    if kind == "serial":
        from escpos.printer import Serial, serial as escpos_serial

        if not settings.serial_device:
            raise PrinterError("未设置串口打印机的设备名（如 /dev/ttyUSB0 或 COM3）", "config")
        if not escpos_serial.is_usable():
            raise PrinterError("缺少串口支持组件（pyserial），无法使用串口打印机", "unsupported")
        try:
            printer = Serial(settings.serial_device, int(settings.baudrate), timeout=settings.timeout_s)
            printer.open()
        except Exception as exc:
            raise PrinterError(f"打印机未连接：无法打开串口 {settings.serial_device}", "unreachable") from exc
        return printer
    if kind == "win32raw":
        if sys.platform != "win32":
            raise PrinterError("Win32Raw 打印方式仅适用于 Windows，请改用网络、USB、串口、CUPS 或文件方式", "unsupported")
        from escpos.printer import Win32Raw, win32raw as escpos_win32  # lazily: needs pywin32

        if not escpos_win32.is_usable():
            raise PrinterError("缺少 pywin32 组件，无法使用 Windows 打印机", "unsupported")
        try:
            printer = Win32Raw(settings.win32_name or None)
            printer.open()
        except Exception as exc:
            raise PrinterError(f"打印机未连接：找不到 Windows 打印机“{settings.win32_name}”", "unreachable") from exc
        return printer
    raise AssertionError(kind)


def _finish_tcp(sock: socket.socket) -> None:
    """Half-close and drain before closing: closing a socket with unread input
    (status bytes some printers push) sends RST, which can drop queued print data."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.5)
        while sock.recv(1024):
            pass
    except OSError:
        pass


def _close_quietly(printer) -> None:
    try:
        printer.close()
    except Exception:
        pass


# --- DLE EOT status ----------------------------------------------------------

DLE_EOT = b"\x10\x04"


def _dle_eot(printer, n: int) -> int | None:
    """One real-time status byte, or None if the printer does not answer."""
    try:
        printer._raw(DLE_EOT + bytes([n]))
        reply = printer._read()
    except Exception:  # timeout, NotImplementedError, USB errors: status unknown
        return None
    if not reply:
        return None
    byte = reply[-1]
    # Status bytes have bits 1 and 4 set and bits 0 and 7 clear.
    return byte if byte & 0x93 == 0x12 else None


def _status_from_device(printer) -> PrinterStatus:
    status = _dle_eot(printer, 1)
    if status is None:
        return PrinterStatus(None, None, None, "已连接，但打印机未返回状态（未知）")
    offline = bool(status & 0x08)
    cause = _dle_eot(printer, 2) if offline else None
    paper = _dle_eot(printer, 4)
    paper_out = (paper is not None and bool(paper & 0x60)) or (cause is not None and bool(cause & 0x20))
    near_end = None if paper is None else bool(paper & 0x0C)
    paper_ok = None if paper is None and cause is None else not paper_out
    if paper_out:
        message = "打印机缺纸"
    elif cause is not None and cause & 0x04:
        message = "打印机上盖未关好"
    elif cause is not None and cause & 0x40:
        message = "打印机故障（切刀卡纸或过热），请检查"
    elif offline:
        message = "打印机离线"
    elif near_end:
        message = "打印纸即将用完，请及时更换"
    else:
        message = "正常"
    return PrinterStatus(not offline, paper_ok, near_end, message)


def query_status(settings: PrinterSettings) -> PrinterStatus:
    """Ask the printer for its status (DLE EOT where supported). Never raises."""
    try:
        settings.validate()
    except PrinterError as exc:
        return PrinterStatus(None, None, None, exc.message_zh)
    kind = settings.kind
    if kind == "none":
        return PrinterStatus(None, None, None, "未配置打印机")
    if kind == "dummy":
        with _dummy_lock:
            return _dummy_status
    if kind == "file":
        path = settings.file_path
        target = path if os.path.exists(path) else os.path.dirname(os.path.abspath(path)) if path else ""
        if path and os.access(target, os.W_OK):
            return PrinterStatus(None, None, None, f"{UNKNOWN}（文件/设备方式不支持状态查询）")
        return PrinterStatus(False, None, None, f"无法写入 {path or '（未设置路径）'}")
    if kind == "cups":
        return _cups_status(settings)
    if kind == "win32raw":
        if sys.platform != "win32":
            return PrinterStatus(False, None, None, "Win32Raw 打印方式仅适用于 Windows")
        return PrinterStatus(None, None, None, f"{UNKNOWN}（Windows 打印机不支持状态查询）")
    try:
        printer = _open_escpos(settings)
    except PrinterError as exc:
        return PrinterStatus(False, None, None, exc.message_zh)
    try:
        if kind == "network":
            # Printers without a status channel never reply: do not wait long.
            printer.device.settimeout(min(1.0, settings.timeout_s))
        return _status_from_device(printer)
    finally:
        _close_quietly(printer)


def _cups_status(settings: PrinterSettings) -> PrinterStatus:
    if not settings.cups_queue:
        return PrinterStatus(False, None, None, "未设置 CUPS 打印队列名称")
    try:
        result = subprocess.run(
            ["lpstat", "-p", settings.cups_queue], capture_output=True, text=True, timeout=settings.timeout_s + 2
        )
    except FileNotFoundError:
        return PrinterStatus(False, None, None, "未找到 CUPS（lpstat 命令），请安装 cups-client")
    except subprocess.TimeoutExpired:
        return PrinterStatus(None, None, None, f"{UNKNOWN}（CUPS 无响应）")
    if result.returncode != 0:
        return PrinterStatus(False, None, None, f"CUPS 中没有打印队列 {settings.cups_queue}")
    if "disabled" in result.stdout or "已禁用" in result.stdout:
        return PrinterStatus(False, None, None, f"CUPS 打印队列 {settings.cups_queue} 已停用")
    return PrinterStatus(None, None, None, f"{UNKNOWN}（CUPS 队列可用，无法查询纸张状态）")


# --- sending -----------------------------------------------------------------


def send(settings: PrinterSettings, data: bytes, check_paper: bool = False) -> None:
    """Send raw ESC/POS bytes to the configured printer.

    With `check_paper`, printers that answer DLE EOT are asked first and an
    empty roll raises PrinterError("打印机缺纸") instead of losing the slip.
    """
    settings.validate()
    kind = settings.kind
    if kind == "none":
        raise PrinterError("未配置小票打印机", "not_configured")
    if kind == "dummy":
        with _dummy_lock:
            if _dummy_failure is not None:
                raise _dummy_failure
            _dummy_jobs.append(bytes(data))
        return
    if kind == "file":
        _send_file(settings.file_path, data)
        return
    if kind == "cups":
        _send_cups(settings, data)
        return
    printer = _open_escpos(settings)
    try:
        if check_paper:
            if kind == "network":
                printer.device.settimeout(min(1.0, settings.timeout_s))
            status = _status_from_device(printer)
            if status.paper_ok is False:
                raise PrinterError("打印机缺纸", "paper_out")
            if status.online is False:
                raise PrinterError(status.message_zh, "offline")
            if kind == "network":
                printer.device.settimeout(settings.timeout_s)
        printer._raw(bytes(data))
        if kind == "network":
            _finish_tcp(printer.device)
    except PrinterError:
        raise
    except (socket.timeout, TimeoutError):
        raise PrinterError(
            f"打印机无响应（{settings.describe()}），请检查是否缺纸、卡纸或上盖未关", "timeout"
        ) from None
    except OSError as exc:
        raise PrinterError(f"打印机通信中断（{settings.describe()}）：{exc.strerror or exc}", "io") from None
    except Exception as exc:  # USB/serial library errors
        raise PrinterError(f"打印失败（{settings.describe()}）：{exc}", "io") from None
    finally:
        _close_quietly(printer)


def _send_file(path: str, data: bytes) -> None:
    if not path:
        raise PrinterError("未设置打印文件或设备路径", "config")
    try:
        with open(path, "ab") as f:  # append: a device node or a spool/log file
            f.write(data)
    except PermissionError:
        raise PrinterError(f"没有权限写入 {path}（Linux 下请把用户加入 lp 组）", "io") from None
    except FileNotFoundError:
        raise PrinterError(f"打印机未连接：找不到 {path}", "unreachable") from None
    except OSError as exc:
        raise PrinterError(f"写入打印机 {path} 失败：{exc.strerror or exc}", "io") from None


def _send_cups(settings: PrinterSettings, data: bytes) -> None:
    queue = settings.cups_queue
    if not queue:
        raise PrinterError("未设置 CUPS 打印队列名称", "config")
    try:
        result = subprocess.run(
            ["lp", "-d", queue, "-o", "raw", "-t", "GovHall"],
            input=bytes(data),
            capture_output=True,
            timeout=max(10.0, settings.timeout_s * 5),
        )
    except FileNotFoundError:
        raise PrinterError("未找到 lp 命令，请安装 CUPS（cups-client）", "unsupported") from None
    except subprocess.TimeoutExpired:
        raise PrinterError(f"CUPS 打印超时（队列 {queue}）", "timeout") from None
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()
        raise PrinterError(f"CUPS 打印失败（队列 {queue}）：{detail or '未知错误'}", "io")
