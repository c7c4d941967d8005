"""Voice of the hall display: one player, one announcement at a time, with interchangeable back ends.

    backend, status = make_voice("clips", settings)        # or "qt", "chime", "none"
    player = VoicePlayer(backend, settings)
    player.offer(Announcement.from_payload(event.payload, event_id=event.id))

`VoicePlayer` takes announcements from a `common.services.voice_queue.VoiceQueue` and hands ONE to the back end;
only when the back end reports `finished` does the next one start, so two calls never talk over each other. A
watchdog ends an announcement that never reports back (a hung speech engine must not silence the hall forever).

Back ends:
- `TtsVoice`: Qt TextToSpeech (system voices: speechd on Linux, SAPI/WinRT on Windows; "mock" in tests). It speaks
  each sentence with `say()` and waits for the engine to be Ready again before the next.
- `ClipVoice`: the recorded clips of resources/sounds, concatenated into ONE PCM buffer per announcement (chime,
  sentences, rounds) and played by an `AudioOut`.
- `ChimeVoice`: the chime only. `SilentVoice`: nothing (voice off, or no sound device).

Audio outputs: `QtAudioOut` (QAudioSink on the default device) and `WavSink` (appends every buffer to a WAV file:
tests and the self-test check order and durations from it).

Missing pieces degrade instead of failing: no QtTextToSpeech or no Chinese voice → clips; no sound device → silent,
and the status text says so (the display shows it in its status line).
"""

from __future__ import annotations

import logging
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.services.voice_queue import (
    CHANNELS,
    SAMPLE_RATE,
    SAMPLE_WIDTH,
    Announcement,
    ClipError,
    ClipLibrary,
    Utterance,
    VoiceQueue,
    VoiceSettings,
    frames,
    script,
)
from kiosk.qt import QBuffer, QByteArray, QIODevice, QLocale, QObject, QTimer, Signal, optional_module

log = logging.getLogger(__name__)

BACKEND_NAMES = {"qt": "系统语音合成", "clips": "录音片段", "chime": "仅提示音", "none": "已关闭"}


# --------------------------------------------------------------------------------------------- audio outputs


class AudioOut(QObject):
    """Plays one 16 kHz mono 16-bit PCM buffer at a time; `done` when it has been played."""

    done = Signal()

    available = True
    problem = ""

    def play(self, pcm: bytes, label: str = "") -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def stop(self) -> None:
        pass


class WavSink(AudioOut):
    """Writes every played buffer to one WAV file (in order) instead of a sound card.

    `realtime=True` takes as long as the sound would (done after its duration); otherwise done at once.
    `played` lists (label, frames) per buffer.
    """

    def __init__(self, path: str | Path, *, realtime: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.realtime = realtime
        self.played: list[tuple[str, int]] = []
        self._wav = wave.open(str(self.path), "wb")
        self._wav.setnchannels(CHANNELS)
        self._wav.setsampwidth(SAMPLE_WIDTH)
        self._wav.setframerate(SAMPLE_RATE)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.done)

    def play(self, pcm: bytes, label: str = "") -> None:
        self._wav.writeframes(pcm)
        self.played.append((label, frames(pcm)))
        ms = int(1000 * frames(pcm) / SAMPLE_RATE) if self.realtime else 0
        self._timer.start(ms)

    def stop(self) -> None:
        self._timer.stop()

    def close(self) -> None:
        self._timer.stop()
        if self._wav is not None:
            self._wav.close()
            self._wav = None

    @property
    def total_frames(self) -> int:
        return sum(n for _, n in self.played)


class QtAudioOut(AudioOut):
    """The default sound device through QAudioSink (pull mode from a QBuffer)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._mm, why = optional_module("QtMultimedia")
        self._sink = None
        self._buffer: QBuffer | None = None
        self.available = False
        if self._mm is None:
            self.problem = f"Qt Multimedia 不可用（{why}）"
            return
        device = self._mm.QMediaDevices.defaultAudioOutput()
        if device.isNull() or not self._mm.QMediaDevices.audioOutputs():
            self.problem = "未检测到音频输出设备"
            return
        fmt = self._mm.QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE)
        fmt.setChannelCount(CHANNELS)
        fmt.setSampleFormat(self._mm.QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            self.problem = f"音频设备“{device.description()}”不支持 16 kHz 单声道"
            return
        self._device, self._fmt = device, fmt
        self.available = True

    def play(self, pcm: bytes, label: str = "") -> None:
        if not self.available:
            QTimer.singleShot(0, self.done)
            return
        self.stop()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pcm))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = self._mm.QAudioSink(self._device, self._fmt, self)
        self._sink.stateChanged.connect(self._on_state)
        self._sink.start(self._buffer)

    def _on_state(self, state: Any) -> None:
        st = self._mm.QtAudio.State
        if state == st.IdleState or (state == st.StoppedState and self._sink is not None
                                     and self._sink.error() != self._mm.QtAudio.Error.NoError):
            if state != st.IdleState:
                log.warning("audio output stopped with error %s", self._sink.error())
            self.stop()
            self.done.emit()

    def stop(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.stateChanged.disconnect(self._on_state)
            sink.stop()
            sink.deleteLater()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None


# --------------------------------------------------------------------------------------------- back ends


class VoiceBackend(QObject):
    """Plays one announcement (`play`), then emits `finished`."""

    finished = Signal()
    name = "none"

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.problem = ""

    def play(self, a: Announcement, utterances: list[Utterance]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def stop(self) -> None:
        pass

    def describe(self) -> str:
        return BACKEND_NAMES.get(self.name, self.name)


class SilentVoice(VoiceBackend):
    name = "none"

    def play(self, a: Announcement, utterances: list[Utterance]) -> None:
        QTimer.singleShot(0, self.finished)


class ClipVoice(VoiceBackend):
    """Recorded clips → one PCM buffer per announcement → the audio output."""

    name = "clips"

    def __init__(self, library: ClipLibrary, out: AudioOut, parent: QObject | None = None, *, chime_only: bool = False):
        super().__init__(parent)
        self.library = library
        self.out = out
        self.chime_only = chime_only
        if chime_only:
            self.name = "chime"
        out.done.connect(self.finished)

    def play(self, a: Announcement, utterances: list[Utterance]) -> None:
        if self.chime_only:
            utterances = [u for u in utterances if u.kind == "chime"][:1]
        try:
            pcm = self.library.render(utterances)
        except ClipError as exc:
            # e.g. a prefix letter with no clip: the chime at least, and say why in the log
            log.warning("%s", exc)
            self.problem = str(exc)
            pcm = self.library.render([u for u in utterances if u.kind == "chime"]) if self.library.has("chime") else b""
        if not pcm:
            QTimer.singleShot(0, self.finished)
            return
        self.out.play(pcm, a.label())

    def stop(self) -> None:
        self.out.stop()


class TtsVoice(VoiceBackend):
    """Qt TextToSpeech: each sentence with `say()`, the next only once the engine is Ready again."""

    name = "qt"

    def __init__(self, engine: str = "", *, out: AudioOut | None = None, library: ClipLibrary | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        mod, why = optional_module("QtTextToSpeech")
        self.tts = None
        self.engine = engine
        self.out = out if out is not None and out.available else None
        self.library = library
        self.log: list[tuple[str, float, str]] = []  # ("say"/"done", monotonic, text): the order as spoken
        self._steps: list[Utterance] = []
        self._speaking = False
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.timeout.connect(self._step_timeout)
        if mod is None:
            self.problem = f"Qt TextToSpeech 不可用（{why}）"
            return
        self._State = mod.QTextToSpeech.State
        engines = list(mod.QTextToSpeech.availableEngines())
        if engine and engine not in engines:
            self.problem = f"语音合成引擎“{engine}”不可用（可用：{'、'.join(engines) or '无'}）"
            return
        self.tts = mod.QTextToSpeech(engine, self) if engine else mod.QTextToSpeech(self)
        if self.tts.state() == self._State.Error:
            self.problem = f"语音合成引擎出错：{self.tts.errorString() or '未知错误'}"
            return
        self.engine = self.tts.engine()
        self._locales = {"zh": self._pick_locale(QLocale.Language.Chinese),
                         "en": self._pick_locale(QLocale.Language.English)}
        if self._locales["zh"] is None and self.engine != "mock":
            self.problem = f"语音合成引擎“{self.engine}”没有中文语音"
        self.tts.stateChanged.connect(self._on_state)
        if self.out is not None and not self.problem:
            self.out.done.connect(self._next_step)

    @property
    def usable(self) -> bool:
        return self.tts is not None and not self.problem

    def describe(self) -> str:
        return f"系统语音合成（{self.engine}）" if self.engine else "系统语音合成"

    def _pick_locale(self, language: Any) -> Any:
        locales = [loc for loc in self.tts.availableLocales() if loc.language() == language]
        if language == QLocale.Language.Chinese:
            locales.sort(key=lambda loc: loc.territory() != QLocale.Country.China)
        return locales[0] if locales else None

    def play(self, a: Announcement, utterances: list[Utterance]) -> None:
        self._steps = list(utterances)
        self._next_step()

    def _next_step(self) -> None:
        while self._steps:
            u = self._steps.pop(0)
            if u.kind == "chime":
                if self.out is not None and self.library is not None and self.library.has("chime"):
                    self.out.play(self.library.clip("chime"), "chime")
                    return
                continue
            if u.kind == "pause":
                QTimer.singleShot(u.ms, self._next_step)
                return
            if u.kind == "speech" and self.tts is not None:
                loc = self._locales.get(u.lang)
                if loc is not None and self.tts.locale() != loc:
                    self.tts.setLocale(loc)
                self._speaking = True
                self.log.append(("say", time.monotonic(), u.text))
                self._step_timer.start(int(5000 + 600 * len(u.text)))
                self.tts.say(u.text)
                return
        self.finished.emit()

    def _on_state(self, state: Any) -> None:
        if not self._speaking:
            return
        if state == self._State.Error:
            log.warning("speech engine error: %s", self.tts.errorString())
            self.problem = f"语音合成出错：{self.tts.errorString()}"
        elif state != self._State.Ready:
            return
        self._end_sentence()

    def _step_timeout(self) -> None:
        if self._speaking:
            log.warning("speech engine did not finish a sentence in time; going on")
            if self.tts is not None:
                self.tts.stop()
            self._end_sentence()

    def _end_sentence(self) -> None:
        self._speaking = False
        self._step_timer.stop()
        if self.log and self.log[-1][0] == "say":
            self.log.append(("done", time.monotonic(), self.log[-1][2]))
        QTimer.singleShot(0, self._next_step)

    def stop(self) -> None:
        self._steps.clear()
        self._step_timer.stop()
        self._speaking = False
        if self.tts is not None:
            self.tts.stop()
        if self.out is not None:
            self.out.stop()


# --------------------------------------------------------------------------------------------- factory


@dataclass
class VoiceSetup:
    backend: VoiceBackend
    status: str  # for the status line: what is used, or why nothing is heard
    ok: bool
    chosen: str  # the configured backend
    out: AudioOut | None = None
    notes: list[str] = field(default_factory=list)


def make_voice(
    backend: str,
    *,
    tts_engine: str = "",
    out: AudioOut | None = None,
    sounds_dir: str | Path | None = None,
    parent: QObject | None = None,
) -> VoiceSetup:
    """The configured back end, or the best fallback (qt → clips → chime → none), with a status line."""
    if backend == "none":
        return VoiceSetup(SilentVoice(parent), "语音播报：已关闭", True, backend)
    notes: list[str] = []
    if out is None:
        out = QtAudioOut(parent)
    library = ClipLibrary(sounds_dir)

    if backend == "qt":
        tts = TtsVoice(tts_engine, out=out, library=library, parent=parent)
        if tts.usable:
            return VoiceSetup(tts, f"语音播报：{tts.describe()}", True, backend, out, notes)
        notes.append(tts.problem)
        tts.deleteLater()
        backend = "clips"
    if not out.available:
        why = "；".join(notes + [out.problem])
        return VoiceSetup(SilentVoice(parent), f"语音不可用：{why}（叫号仅显示在屏幕上）", False, backend, out, notes)
    if backend == "clips":
        if library.ok:
            prefix = f"{notes[0]}，改用" if notes else ""
            return VoiceSetup(ClipVoice(library, out, parent), f"语音播报：{prefix}录音片段", not notes, backend,
                              out, notes)
        notes += library.problems[:2]
        backend = "chime"
    if library.has("chime"):
        prefix = f"{'；'.join(notes)}，" if notes else ""
        return VoiceSetup(ClipVoice(library, out, parent, chime_only=True), f"语音播报：{prefix}仅提示音",
                          not notes, backend, out, notes)
    return VoiceSetup(SilentVoice(parent), f"语音不可用：{'；'.join(notes + ['缺少提示音 chime.wav'])}", False,
                      backend, out, notes)


# --------------------------------------------------------------------------------------------- the player


class VoicePlayer(QObject):
    """The display's single announcement queue, played through one back end."""

    started = Signal(object)  # Announcement
    finished = Signal(object)  # Announcement
    statusChanged = Signal(str)

    # A watchdog per announcement: generous, since system voices differ in speed.
    WATCHDOG_BASE_MS = 8_000
    WATCHDOG_PER_SENTENCE_MS = 9_000

    def __init__(self, backend: VoiceBackend, settings: VoiceSettings | None = None,
                 parent: QObject | None = None, *, queue: VoiceQueue | None = None):
        super().__init__(parent)
        self.backend = backend
        self.settings = settings or VoiceSettings()
        self.queue = queue or VoiceQueue()
        self.history: list[tuple[str, float, Announcement]] = []  # ("start"/"end"/"timeout", monotonic, a)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog)
        backend.finished.connect(self._on_finished)
        self._closed = False

    @property
    def busy(self) -> bool:
        return self.queue.busy or bool(self.queue.pending)

    def offer(self, a: Announcement) -> bool:
        queued = self.queue.offer(a)
        if queued:
            QTimer.singleShot(0, self._pump)
        return queued

    def cancel(self, ticket_id: int | None) -> int:
        return self.queue.cancel_ticket(ticket_id)

    def _pump(self) -> None:
        if self._closed:
            return
        a = self.queue.start_next()
        if a is None:
            return
        steps = script(a, self.settings)
        sentences = sum(1 for u in steps if u.kind == "speech")
        self._watchdog.start(self.WATCHDOG_BASE_MS + self.WATCHDOG_PER_SENTENCE_MS * sentences)
        self.history.append(("start", time.monotonic(), a))
        self.started.emit(a)
        self.backend.play(a, steps)

    def _on_finished(self) -> None:
        if self.queue.current is None:
            return  # late report after a watchdog
        self._watchdog.stop()
        done = self.queue.finish_current()
        self.history.append(("end", time.monotonic(), done))
        self.finished.emit(done)
        QTimer.singleShot(0, self._pump)

    def _on_watchdog(self) -> None:
        a = self.queue.current
        log.warning("announcement %s did not finish in time; going on", a.label() if a else "?")
        self.backend.stop()
        done = self.queue.finish_current()
        if done is not None:
            self.history.append(("timeout", time.monotonic(), done))
            self.finished.emit(done)
        self.statusChanged.emit("语音播报超时，已跳过一条")
        QTimer.singleShot(0, self._pump)

    def shutdown(self) -> None:
        self._closed = True
        self._watchdog.stop()
        self.queue.clear()
        self.backend.stop()
