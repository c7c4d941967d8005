"""Voice announcements of the hall display, without Qt: the queue, the script, the recorded clips, the health check.

One `VoiceQueue` per display. Its rules:
- calls are spoken in the order they arrive, one at a time (the player asks for the next one only when the
  current one has finished), so two calls never talk over each other;
- the same hall event delivered twice (a reconnect may redeliver) is announced once (`event_id`);
- a call for a ticket already waiting to be announced is not queued again; a RECALL (重呼) of a ticket that is
  waiting to be announced is likewise absorbed (it will be heard anyway), but a recall of the ticket being
  announced right now, or already announced, is queued: a recall repeats the announcement;
- a ticket that was finished, marked no-show or transferred before its turn is dropped (`cancel_ticket`);
- at most `max_pending` announcements wait; beyond that the oldest recall, else the oldest call, is dropped
  (a display that fell minutes behind helps nobody).

`script()` turns one announcement into what is played: the chime, then each round of the Chinese text (and the
English text when enabled) `repeat` times. The words come from `common.services.display.announcement_text`.

`ClipLibrary` speaks that text with the recorded clips of resources/sounds (16 kHz mono 16-bit WAV): the text is
split into the longest known pieces, and the pieces, with short pauses, are written as ONE PCM buffer.

`voice_health(backend)` is the Qt-free check that `hall doctor` calls.
"""

from __future__ import annotations

import collections
import ctypes.util
import importlib.util
import io
import logging
import os
import shutil
import sys
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from common.services.display import announcement_texts

log = logging.getLogger(__name__)

__all__ = [
    "Announcement",
    "ClipLibrary",
    "ClipError",
    "Utterance",
    "VoiceHealth",
    "VoiceQueue",
    "VoiceSettings",
    "pcm_to_wav",
    "script",
    "voice_health",
    "BACKENDS",
]

BACKENDS = ("qt", "clips", "chime", "none")

SAMPLE_RATE = 16_000
SAMPLE_WIDTH = 2  # bytes: 16-bit signed PCM
CHANNELS = 1

# Pauses inside one announcement (milliseconds).
GAP_WORD_MS = 40
GAP_AFTER_CHIME_MS = 300
GAP_SENTENCE_MS = 350
GAP_ROUND_MS = 700


# --------------------------------------------------------------------------------------------- announcements


@dataclass(frozen=True)
class VoiceSettings:
    repeat: int = 2  # rounds per announcement (1–3)
    english: bool = False  # after the Chinese text, the English one
    number_reading: str = "digits"  # "digits": A零一二; "natural": A十二
    chime: bool = True  # a chime before each announcement

    @classmethod
    def from_config(cls, display: Any) -> "VoiceSettings":
        """From `cfg.display` (voice_repeat, voice_english, number_reading)."""
        return cls(
            repeat=max(1, min(3, int(getattr(display, "voice_repeat", 2)))),
            english=bool(getattr(display, "voice_english", False)),
            number_reading=str(getattr(display, "number_reading", "digits")),
        )


@dataclass(frozen=True)
class Announcement:
    number: str
    window_number: int | None
    window_name: str = ""
    ticket_id: int | None = None
    window_id: int | None = None
    recall: bool = False
    event_id: int | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any], *, recall: bool = False,
                     event_id: int | None = None) -> "Announcement":
        """From a `ticket.called` / `ticket.recalled` hall event payload."""
        wn = payload.get("window_number")
        return cls(
            number=str(payload.get("number") or ""),
            window_number=int(wn) if wn not in (None, "") else None,
            window_name=str(payload.get("window_name") or ""),
            ticket_id=payload.get("ticket_id"),
            window_id=payload.get("window_id"),
            recall=recall,
            event_id=event_id,
        )

    @property
    def key(self) -> tuple[Any, ...]:
        """Identifies the ticket being announced (the number and window when there is no ticket id)."""
        if self.ticket_id is not None:
            return ("t", self.ticket_id)
        return ("n", self.number, self.window_number)

    def label(self) -> str:
        return f"{self.number}→{self.window_number or self.window_name}{'（重呼）' if self.recall else ''}"


@dataclass(frozen=True)
class Utterance:
    kind: str  # "chime" | "speech" | "pause"
    text: str = ""
    lang: str = ""  # "zh" | "en" for speech
    ms: int = 0  # for a pause


def script(a: Announcement, settings: VoiceSettings) -> list[Utterance]:
    """[chime] + rounds × (Chinese [+ English]), with pauses between them."""
    rounds = announcement_texts(a.number, a.window_number, a.window_name,
                                number_reading=settings.number_reading, english=settings.english)
    out: list[Utterance] = []
    if settings.chime:
        out += [Utterance("chime"), Utterance("pause", ms=GAP_AFTER_CHIME_MS)]
    for r in range(max(1, settings.repeat)):
        if r:
            out.append(Utterance("pause", ms=GAP_ROUND_MS))
        for i, (lang, text) in enumerate(rounds):
            if i:
                out.append(Utterance("pause", ms=GAP_SENTENCE_MS))
            out.append(Utterance("speech", text=text, lang=lang))
    return out


class VoiceQueue:
    """The ordered announcement queue of one display (see the module docstring for the rules)."""

    def __init__(self, max_pending: int = 30, clock: Callable[[], float] = time.monotonic):
        self.max_pending = max_pending
        self.clock = clock
        self.pending: collections.deque[Announcement] = collections.deque()
        self.current: Announcement | None = None
        self.spoken: list[Announcement] = []  # finished, oldest first (bounded)
        self.dropped: list[tuple[Announcement, str]] = []  # (announcement, why), bounded
        self._events_seen: collections.OrderedDict[int, None] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self.pending)

    @property
    def busy(self) -> bool:
        return self.current is not None

    def offer(self, a: Announcement) -> bool:
        """Queue an announcement; False if the rules absorbed it."""
        if a.event_id is not None:
            if a.event_id in self._events_seen:
                return self._drop(a, "duplicate event")
            self._events_seen[a.event_id] = None
            while len(self._events_seen) > 1000:
                self._events_seen.popitem(last=False)
        if not a.number:
            return self._drop(a, "no number")
        if any(p.key == a.key for p in self.pending):
            return self._drop(a, "already waiting to be announced")
        self.pending.append(a)
        while len(self.pending) > self.max_pending:
            victim = next((p for p in self.pending if p.recall), self.pending[0])
            self.pending.remove(victim)
            self._drop(victim, "queue full")
        return True

    def cancel_ticket(self, ticket_id: int | None) -> int:
        """Drop the waiting announcements of a ticket that is no longer called; returns how many."""
        if ticket_id is None:
            return 0
        gone = [p for p in self.pending if p.ticket_id == ticket_id]
        for p in gone:
            self.pending.remove(p)
            self._drop(p, "ticket no longer called")
        return len(gone)

    def start_next(self) -> Announcement | None:
        """The next announcement to play (None when idle or while one is playing)."""
        if self.current is not None or not self.pending:
            return None
        self.current = self.pending.popleft()
        return self.current

    def finish_current(self) -> Announcement | None:
        done, self.current = self.current, None
        if done is not None:
            self.spoken.append(done)
            del self.spoken[:-200]
        return done

    def clear(self) -> None:
        self.pending.clear()

    def _drop(self, a: Announcement, why: str) -> bool:
        log.debug("announcement %s not queued: %s", a.label(), why)
        self.dropped.append((a, why))
        del self.dropped[:-200]
        return False


# --------------------------------------------------------------------------------------------- clips

# Spoken piece → clip file name (without .wav). Longest pieces are matched first.
ZH_CLIPS: dict[str, str] = {
    **{d: f"zh_{i}" for i, d in enumerate("零一二三四五六七八九")},
    "十": "zh_10", "百": "zh_100", "千": "zh_1000",
    "请": "zh_qing", "号窗口": "zh_haochuangkou", "号": "zh_hao", "到": "zh_dao", "办理": "zh_banli",
    **{chr(c): f"letter_{chr(c)}" for c in range(ord("A"), ord("Z") + 1)},
}  # fmt: skip
EN_CLIPS: dict[str, str] = {
    **{str(i): f"en_{i}" for i in range(10)},
    "number": "en_number", "please go to window": "en_please_go_to_window",
    **{chr(c).lower(): f"letter_{chr(c)}" for c in range(ord("A"), ord("Z") + 1)},
}  # fmt: skip
CHIME = "chime"
REQUIRED_CLIPS: tuple[str, ...] = tuple(sorted(set(ZH_CLIPS.values()) | set(EN_CLIPS.values()) | {CHIME}))


class ClipError(RuntimeError):
    """A clip is missing or unusable; the message is for people (Chinese)."""


def default_sounds_dir() -> Path:
    from common.paths import resource_path

    return resource_path("sounds")


def pcm_to_wav(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(CHANNELS)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(rate)
        w.writeframes(pcm)
    return buf.getvalue()


def silence(ms: int, rate: int = SAMPLE_RATE) -> bytes:
    return b"\x00" * (int(rate * ms / 1000) * SAMPLE_WIDTH * CHANNELS)


def frames(pcm: bytes) -> int:
    return len(pcm) // (SAMPLE_WIDTH * CHANNELS)


class ClipLibrary:
    """The recorded clips of one directory, loaded once; `render()` builds one PCM buffer per announcement."""

    def __init__(self, directory: str | os.PathLike[str] | None = None):
        self.directory = Path(directory) if directory is not None else default_sounds_dir()
        self._pcm: dict[str, bytes] = {}
        self.problems: list[str] = []
        self._load()

    def _load(self) -> None:
        if not self.directory.is_dir():
            self.problems.append(f"找不到语音片段目录 {self.directory}")
            return
        for name in REQUIRED_CLIPS:
            path = self.directory / f"{name}.wav"
            if not path.exists():
                self.problems.append(f"缺少语音片段 {path.name}")
                continue
            try:
                with wave.open(str(path), "rb") as w:
                    fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate())
                    data = w.readframes(w.getnframes())
            except (OSError, EOFError, wave.Error) as exc:
                self.problems.append(f"语音片段 {path.name} 无法读取（{exc}）")
                continue
            if fmt != (CHANNELS, SAMPLE_WIDTH, SAMPLE_RATE):
                self.problems.append(
                    f"语音片段 {path.name} 的格式为 {fmt[2]} Hz、{fmt[0]} 声道、{fmt[1] * 8} 位，"
                    f"应为 {SAMPLE_RATE} Hz、单声道、16 位 PCM"
                )
                continue
            self._pcm[name] = data

    @property
    def ok(self) -> bool:
        return not self.problems

    def has(self, name: str) -> bool:
        return name in self._pcm

    def clip(self, name: str) -> bytes:
        try:
            return self._pcm[name]
        except KeyError:
            raise ClipError(f"缺少语音片段 {name}.wav") from None

    def tokens(self, text: str, lang: str = "zh") -> list[str]:
        """The clip names that speak `text` (longest match first); raises ClipError for an unknown piece."""
        table = ZH_CLIPS if lang == "zh" else EN_CLIPS
        keys = sorted(table, key=len, reverse=True)
        src = text if lang == "zh" else text.lower()
        out: list[str] = []
        i = 0
        while i < len(src):
            ch = src[i]
            if ch.isspace() or ch in ",，.。、!！":
                i += 1
                continue
            for k in keys:
                if src.startswith(k, i):
                    out.append(table[k])
                    i += len(k)
                    break
            else:
                raise ClipError(f"没有“{text[i]}”的语音片段，无法用录音播报“{text}”")
        return out

    def parts(self, utterances: Iterable[Utterance]) -> list[bytes]:
        """The PCM pieces of a script, in order (clips, and silences between words and sentences)."""
        out: list[bytes] = []
        for u in utterances:
            if u.kind == "chime":
                out.append(self.clip(CHIME))
            elif u.kind == "pause":
                out.append(silence(u.ms))
            elif u.kind == "speech":
                for j, name in enumerate(self.tokens(u.text, u.lang)):
                    if j:
                        out.append(silence(GAP_WORD_MS))
                    out.append(self.clip(name))
        return out

    def render(self, utterances: Iterable[Utterance]) -> bytes:
        """One PCM buffer (16 kHz mono 16-bit) for the whole script."""
        return b"".join(self.parts(utterances))

    def duration_s(self, pcm: bytes) -> float:
        return frames(pcm) / SAMPLE_RATE


# --------------------------------------------------------------------------------------------- health


@dataclass(frozen=True)
class VoiceHealth:
    backend: str
    ok: bool  # announcements can be heard with this backend (as far as can be told without playing)
    summary: str  # one Chinese line
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _has_qt_module(pyside: Path, name: str) -> bool:
    return any(pyside.glob(f"{name}.*.so")) or any(pyside.glob(f"{name}.*.pyd")) or any(pyside.glob(f"{name}.so"))


def audio_outputs() -> list[str] | None:
    """Sound cards the OS knows of (Linux: /proc/asound/cards); None when this cannot be told here."""
    cards = Path("/proc/asound/cards")
    if sys.platform.startswith("linux"):
        try:
            text = cards.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [line.split(":", 1)[1].strip() for line in text.splitlines() if ":" in line and line[:3].strip().isdigit()]
    return None


def voice_health(backend: str = "qt", sounds_dir: str | os.PathLike[str] | None = None) -> VoiceHealth:
    """Can the display be heard? Qt-free (for `hall doctor`): checks the files and libraries the backend needs."""
    if backend not in BACKENDS:
        return VoiceHealth(backend, False, f"未知的语音播报方式“{backend}”（可选：{'、'.join(BACKENDS)}）",
                           [f"display.voice_backend = {backend!r}"])
    if backend == "none":
        return VoiceHealth(backend, True, "语音播报已关闭（voice_backend = none），叫号只显示在屏幕上")
    problems: list[str] = []
    notes: list[str] = []

    lib = ClipLibrary(sounds_dir)
    if backend == "clips":
        problems += lib.problems
    elif not lib.has(CHIME):
        (problems if backend == "chime" else notes).append("缺少提示音 chime.wav")

    pyside = _pyside_dir()
    if pyside is None:
        problems.append("未安装 PySide6")
    else:
        if not _has_qt_module(pyside, "QtMultimedia"):
            problems.append("未安装 Qt Multimedia（pip install pyside6-addons），无法播放声音")
        elif sys.platform.startswith("linux") and ctypes.util.find_library("pulse") is None:
            problems.append("缺少 libpulse（Debian/Ubuntu：apt-get install libpulse0），Qt Multimedia 无法加载")
        if backend == "qt":
            if not _has_qt_module(pyside, "QtTextToSpeech"):
                problems.append("未安装 Qt TextToSpeech（pip install pyside6-addons），改用录音片段播报")
            elif sys.platform.startswith("linux"):
                plugins = pyside / "Qt" / "plugins" / "texttospeech"
                if not any(plugins.glob("*speechd*")):
                    problems.append("Qt 语音合成缺少 speechd 插件")
                elif shutil.which("speech-dispatcher") is None:
                    problems.append("未安装 speech-dispatcher（apt-get install speech-dispatcher espeak-ng），"
                                    "系统语音不可用，改用录音片段播报")
            if lib.problems:
                notes.append("录音片段不完整，系统语音不可用时无法改用录音：" + "；".join(lib.problems[:3]))
    outputs = audio_outputs()
    if outputs is not None and not outputs:
        problems.append("未检测到声卡（/proc/asound/cards 为空），叫号只显示在屏幕上")
    elif outputs:
        notes.append("声卡：" + "；".join(outputs[:3]))
    names = {"qt": "系统语音合成", "clips": "录音片段拼接", "chime": "仅提示音"}
    if problems:
        return VoiceHealth(backend, False, f"语音播报（{names[backend]}）有问题：{problems[0]}", problems, notes)
    return VoiceHealth(backend, True, f"语音播报（{names[backend]}）就绪", problems, notes)
