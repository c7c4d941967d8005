"""`hall-display --self-test` and `--screenshots DIR`: the real display on a real database, offscreen.

Without `--db` a temporary SQLite file gets the demo hall, clerks signed in at most windows (one paused, a few
closed), tickets taken and called — with the clock pinned at 10:00 of a day the hall is open, so this works at
night and on Sundays too. The self-test then makes a call from the counter side and checks that the screen shows
it and that the announcement is played in full (clip back end into a WAV file).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select

from common.db.models import Queue, Staff, StaffRole, Window, WindowSession
from common.domain import Role
from common.services.permissions import Actor
from kiosk.qt import QApplication, QColor, QImage, QPainter, QPen, QRectF, Qt

PHOTO_WINDOWS = (1, 7, 12, 19)  # demo clerks that get a (generated) photo
CLOSED_WINDOWS = (6, 11, 18, 25)
PAUSED_WINDOWS = (14,)


@dataclass
class DemoHall:
    url: str
    site_id: int
    clock: Callable[[], dt.datetime] | None
    tmp: tempfile.TemporaryDirectory | None = None
    actors: dict[int, Actor] = field(default_factory=dict)  # window number -> clerk signed in there
    windows: dict[int, int] = field(default_factory=dict)  # window number -> id


def _opening_moment(db: Any, site_id: int, tz: str, days: int = 14) -> dt.datetime:
    from common.clock import utcnow, zone
    from common.services.queue import list_queue_status

    today = utcnow().astimezone(zone(tz)).date()
    for offset in range(days):
        at = dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(10, 0), zone(tz))
        if any(q.is_open and not q.appointment_only for q in list_queue_status(db, site_id, now=at)):
            return at.astimezone(dt.timezone.utc)
    return utcnow()


def _avatar(path: Path, seed: int) -> None:
    """A neutral silhouette on a coloured ground (stands in for a staff photo)."""
    img = QImage(240, 300, QImage.Format.Format_RGB32)
    colours = ["#3B6EA8", "#4C8C6A", "#8A5A9E", "#A8743B"]
    img.fill(QColor(colours[seed % len(colours)]))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#F1D9C0"))
    p.drawEllipse(QRectF(70, 50, 100, 110))
    p.setBrush(QColor("#1E2B3C"))
    p.drawRoundedRect(QRectF(30, 175, 180, 160), 70, 70)
    p.setPen(QPen(QColor("#FFFFFF"), 10))
    p.drawLine(120, 185, 120, 300)
    p.end()
    img.save(str(path))


def prepare_demo_hall(db_url: str | None = None, *, populate: bool = True) -> DemoHall:
    """The given database as is (real time), or a temporary demo hall with a busy morning."""
    from common.db import open_database
    from common.services.sites import resolve_site

    if db_url:
        db = open_database(db_url)
        try:
            info = resolve_site(db)
            return DemoHall(db_url, info.id, None)
        finally:
            db.dispose()
    from common.services.demo import load_demo_hall

    tmp = tempfile.TemporaryDirectory(prefix="hall-display-selftest-")
    url = f"sqlite:///{Path(tmp.name) / 'hall.db'}"
    db = open_database(url)
    try:
        load_demo_hall(db)
        info = resolve_site(db)
        at = _opening_moment(db, info.id, info.timezone)
        hall = DemoHall(url, info.id, lambda: at, tmp)
        _sign_in(db, hall, at, Path(tmp.name))
        if populate:
            _busy_morning(db, hall, at)
    finally:
        db.dispose()
    return hall


def _sign_in(db: Any, hall: DemoHall, at: dt.datetime, photo_dir: Path) -> None:
    from common.services import attendance

    with db.write() as s:
        rows = s.execute(
            select(Window.id, Window.number, Staff.id, Staff.staff_no, Staff.name, Staff.site_id)
            .join(Staff, Staff.default_window_id == Window.id)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(Window.site_id == hall.site_id, StaffRole.role == Role.CLERK, Staff.active.is_(True))
            .order_by(Window.number, Staff.id)
        ).all()
        for wid, number, staff_id, _no, _name, _site in rows:
            hall.windows.setdefault(number, wid)
            if number in PHOTO_WINDOWS:
                path = photo_dir / f"staff-{staff_id}.png"
                _avatar(path, number)
                s.get(Staff, staff_id).photo_path = str(path)
    for wid, number, staff_id, staff_no, name, site in rows:
        if number in CLOSED_WINDOWS or number in hall.actors:
            continue
        actor = Actor(staff_id=staff_id, staff_no=staff_no, name=name, roles=frozenset({Role.CLERK}), site_id=site)
        attendance.sign_in(db, actor, wid, now=at - dt.timedelta(hours=1, minutes=30))
        hall.actors[number] = actor


def pause_windows(db: Any, hall: DemoHall, at: dt.datetime) -> None:
    """Put the PAUSED_WINDOWS on a break (done after the calls: a paused window cannot call)."""
    from common.services import attendance

    for number in PAUSED_WINDOWS:
        if number in hall.actors:
            info = attendance.open_session(db, hall.windows[number], now=at)
            if info is not None and not info.on_break:
                attendance.start_break(db, hall.actors[number], info.id, "业务培训", now=at)


def _busy_morning(db: Any, hall: DemoHall, at: dt.datetime) -> None:
    from common.services.queue import call_next, issue_ticket, start_service, finish

    rnd = random.Random(7)
    with db.read() as s:
        queues = s.execute(
            select(Queue.id, Queue.prefix).where(Queue.site_id == hall.site_id, Queue.appointment_only.is_(False))
            .order_by(Queue.position)
        ).all()
    for i in range(60):
        qid, _prefix = queues[rnd.randrange(len(queues))]
        issue_ticket(db, qid, now=at - dt.timedelta(minutes=55 - i * 0.8))
    t = at - dt.timedelta(minutes=5)
    order = [n for n in sorted(hall.actors) if n not in PAUSED_WINDOWS]
    busy: set[int] = set()
    for round_ in range(2):
        for n in order:
            if n in busy:
                continue
            t += dt.timedelta(seconds=7)
            served = call_next(db, hall.actors[n], hall.windows[n], now=t)
            if served is None:
                continue
            if round_ == 0:
                start_service(db, hall.actors[n], hall.windows[n], served.ticket_id, now=t + dt.timedelta(seconds=30))
                if n % 3:
                    finish(db, hall.actors[n], hall.windows[n], served.ticket_id, now=t + dt.timedelta(seconds=60))
                else:
                    busy.add(n)
            elif n % 4 == 0:
                start_service(db, hall.actors[n], hall.windows[n], served.ticket_id, now=t + dt.timedelta(seconds=5))


# --------------------------------------------------------------------------------------------- the tour


@dataclass
class TourResult:
    shown: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _settle(controller: Any, predicate: Callable[[], bool], timeout_s: float = 15.0) -> bool:
    return controller.wait_for(predicate, timeout_s)


def run_tour(db_url: str | None = None, *, out_dir: Path | None = None, zone: str | None = None,
             voice_backend: str = "clips") -> TourResult:
    """Both orientations (and a per-zone screen, and the stale marker), one real call heard in full."""
    from common.db import connect
    from common.services.queue import call_next, recall
    from common.services.voice_queue import VoiceSettings
    from kiosk.display.controller import DisplayController, DisplayOptions
    from kiosk.display.views import LANDSCAPE, PORTRAIT
    from kiosk.display.voice import WavSink

    result = TourResult()
    hall = prepare_demo_hall(db_url)
    work = tempfile.TemporaryDirectory(prefix="hall-display-wav-")
    db = connect(hall.url)
    controller = None
    try:
        sink = WavSink(Path(work.name) / "voice.wav")
        opts = DisplayOptions(orientation="landscape", fullscreen=False, voice_backend=voice_backend,
                              voice=VoiceSettings(repeat=2, english=True), audio_out=sink, wait_s=0.5)
        controller = DisplayController(db, hall.site_id, opts, clock=hall.clock)
        controller.start(show=True)
        controller.resize_view(LANDSCAPE)
        if not _settle(controller, lambda: controller.snapshot is not None):
            result.failures.append("启动后 15 秒内没有收到数据")
            return result
        result.shown.append("横屏（1920×1080）")

        # a call from the counter side, as a clerk would make it
        served = None
        if hall.actors:
            from common.services.queue import current_ticket, finish

            now = hall.clock() if hall.clock else None
            for n in sorted(hall.actors):
                if n in PAUSED_WINDOWS:
                    continue
                actor, wid = hall.actors[n], hall.windows[n]
                held = current_ticket(db, wid)
                if held is not None:
                    finish(db, actor, wid, held.ticket_id, now=now)
                served = call_next(db, actor, wid, now=now)
                if served is not None:
                    break
            if served is None:
                result.failures.append("叫号失败：没有窗口能叫到号（没有人在等候）")
            else:
                t0 = time.monotonic()
                ok = _settle(controller, lambda: controller.view.headline.number.text() == served.number)
                if not ok:
                    result.failures.append(f"叫号 {served.number} 没有在 15 秒内显示")
                else:
                    result.shown.append(f"叫号 {served.number} 已显示（{(time.monotonic() - t0) * 1000:.0f} ms）")
                    if _settle(controller, lambda: controller.view.headline.flash_on, 3):
                        _save(controller, out_dir, "display-landscape-flash.png", result)
                    else:
                        result.failures.append("新叫号没有闪烁提示")
                recall(db, actor, wid, served.ticket_id, now=now)
                if voice_backend != "none":
                    heard = _settle(controller, lambda: len([h for h in controller.voice.history if h[0] == "end"]) >= 2
                                    and not controller.voice.busy, 20)
                    if not heard:
                        result.failures.append("语音播报没有完成（叫号与重呼）")
                    else:
                        result.shown.append(f"语音播报两遍（叫号、重呼）：{sink.total_frames / 16000:.1f} 秒")
                _settle(controller, lambda: controller.snapshot is not None
                        and any(c.number == served.number for c in controller.snapshot.calls))
                controller.view.headline.stop_flash()
            if hall.clock is not None:  # the demo hall: one window on a break, as in a real morning
                pause_windows(db, hall, hall.clock())
                _settle(controller, lambda: controller.snapshot is not None
                        and len(controller.snapshot.paused_windows) == len(PAUSED_WINDOWS))
        _check_view(controller, "横屏", result)
        _save(controller, out_dir, "display-landscape.png", result)

        controller.set_orientation("portrait")
        controller.resize_view(PORTRAIT)
        _settle(controller, lambda: False, 0.3)
        result.shown.append("竖屏（1080×1920）")
        _check_view(controller, "竖屏", result)
        _save(controller, out_dir, "display-portrait.png", result)

        # the stale marker, as it looks when the database is unreachable (feed stopped, loss reported)
        controller.worker.stop()
        QApplication.processEvents()  # deliver what the feed sent before it stopped
        controller._on_lost("演示：数据库连接中断", time.time() - 42)
        _settle(controller, lambda: False, 0.1)
        if not controller.view.header.stale_box.isVisible():
            result.failures.append("数据中断标记没有显示")
        else:
            result.shown.append("数据更新中断标记")
        _save(controller, out_dir, "display-portrait-stale.png", result)
        controller.set_orientation("landscape")
        controller.resize_view(LANDSCAPE)
        _settle(controller, lambda: False, 0.2)
        _save(controller, out_dir, "display-landscape-stale.png", result)
        controller.shutdown()
        controller = None

        # a per-zone screen (only that zone's windows and queues)
        zone = zone if zone is not None else ("B区" if db_url is None else "")
        if zone:
            opts = DisplayOptions(orientation="landscape", fullscreen=False, voice_backend="none", zone=zone,
                                  wait_s=0.5)
            controller = DisplayController(db, hall.site_id, opts, clock=hall.clock)
            controller.start(show=True)
            controller.resize_view(LANDSCAPE)
            if _settle(controller, lambda: controller.snapshot is not None):
                wrong = [w.number for w in controller.snapshot.windows if w.zone != zone]
                if wrong:
                    result.failures.append(f"{zone}叫号屏显示了其他区域的窗口：{wrong}")
                else:
                    result.shown.append(f"{zone}叫号屏（{len(controller.snapshot.windows)} 个窗口）")
                _check_view(controller, f"{zone}横屏", result)
                _save(controller, out_dir, "display-zone-landscape.png", result)
            else:
                result.failures.append(f"{zone}叫号屏没有收到数据")
    except Exception as exc:  # noqa: BLE001 - reported as a failure of the self-test
        import traceback

        result.failures.append(f"{type(exc).__name__}: {exc}")
        traceback.print_exc()
    finally:
        if controller is not None:
            controller.shutdown()
        QApplication.processEvents()
        db.dispose()
        work.cleanup()
        if hall.tmp is not None:
            hall.tmp.cleanup()
    return result


def _check_view(controller: Any, label: str, result: TourResult) -> None:
    QApplication.processEvents()
    clipped = controller.view.clipped_texts()
    if clipped:
        result.failures.append(f"{label}：文字放不下 {clipped[:5]}")
    small = controller.view.too_small_texts(18)
    if small:
        result.failures.append(f"{label}：文字太小 {small[:5]}")


def _save(controller: Any, out_dir: Path | None, name: str, result: TourResult) -> None:
    if out_dir is None:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = out_dir / name
    if controller.view.grab().save(str(path)):
        result.saved.append(path)
    else:
        result.failures.append(f"截图保存失败：{path}")


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()
