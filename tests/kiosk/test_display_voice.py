"""Voice of the hall display: Qt's mock speech engine and the clip back end writing a WAV file.

Ten calls in quick succession come out in order, one at a time, none cut off; a recall repeats its announcement;
missing engines or sound devices degrade to something that still works, and say so.
"""

from __future__ import annotations

import wave

import pytest

from common.services.voice_queue import Announcement, ClipLibrary, VoiceSettings, frames, script
from kiosk.display.voice import (
    ClipVoice,
    QtAudioOut,
    SilentVoice,
    TtsVoice,
    VoiceBackend,
    VoicePlayer,
    WavSink,
    make_voice,
)
from kiosk.qt import QObject, optional_module


def calls(n: int, start: int = 1) -> list[Announcement]:
    return [Announcement(number=f"A{i:03d}", window_number=(i % 9) + 1, window_name=f"{(i % 9) + 1}号窗口",
                         ticket_id=i, window_id=(i % 9) + 1, event_id=i) for i in range(start, start + n)]


@pytest.fixture
def owner(qtbot):
    """A parent QObject for players and back ends, deleted after the test."""
    obj = QObject()
    yield obj
    for player in obj.findChildren(VoicePlayer):
        player.shutdown()
    obj.deleteLater()


@pytest.fixture
def sink(tmp_path, owner):
    s = WavSink(tmp_path / "voice.wav", parent=owner)
    yield s
    s.close()


def wait_idle(qtbot, player: VoicePlayer, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: not player.busy, timeout=timeout)


# --------------------------------------------------------------------------------------------- clips → WAV


def test_clip_backend_ten_calls_in_order_none_cut_off(qtbot, owner, sink):
    settings = VoiceSettings(repeat=2, english=True)
    setup = make_voice("clips", out=sink, parent=owner)
    assert isinstance(setup.backend, ClipVoice) and setup.ok and "录音片段" in setup.status
    player = VoicePlayer(setup.backend, settings, owner)
    batch = calls(10)
    for a in batch:  # all at once, as ten clerks pressing 叫号 together
        assert player.offer(a)
    wait_idle(qtbot, player)
    sink.close()

    lib = ClipLibrary()
    expected = [frames(lib.render(script(a, settings))) for a in batch]
    assert [label for label, _ in sink.played] == [a.label() for a in batch]  # the order of the calls
    assert [n for _, n in sink.played] == expected  # each announcement whole
    with wave.open(str(sink.path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        assert w.getnframes() == sum(expected)  # the file is exactly the sum of its parts: nothing cut off
    starts = [h for h in player.history if h[0] == "start"]
    ends = [h for h in player.history if h[0] == "end"]
    assert len(starts) == len(ends) == 10
    # strictly one after another: each start comes after the previous end
    kinds = [h[0] for h in player.history]
    assert kinds == ["start", "end"] * 10


def test_clip_backend_recall_repeats(qtbot, owner, sink):
    settings = VoiceSettings(repeat=1)
    player = VoicePlayer(make_voice("clips", out=sink, parent=owner).backend, settings, owner)
    a1, a2 = calls(2)
    player.offer(a1)
    player.offer(a2)
    wait_idle(qtbot, player)
    recall = Announcement(**{**a1.__dict__, "recall": True, "event_id": 99})
    assert player.offer(recall)
    wait_idle(qtbot, player)
    assert [label for label, _ in sink.played] == [a1.label(), a2.label(), recall.label()]
    assert sink.played[2][1] == sink.played[0][1]  # the same announcement again


def test_chime_only_and_none(qtbot, owner, sink):
    setup = make_voice("chime", out=sink, parent=owner)
    assert setup.backend.name == "chime" and "仅提示音" in setup.status
    player = VoicePlayer(setup.backend, VoiceSettings(), owner)
    for a in calls(3):
        player.offer(a)
    wait_idle(qtbot, player)
    chime = frames(ClipLibrary().clip("chime"))
    assert [n for _, n in sink.played] == [chime] * 3

    setup = make_voice("none", parent=owner)
    assert isinstance(setup.backend, SilentVoice) and "已关闭" in setup.status
    player = VoicePlayer(setup.backend, VoiceSettings(), owner)
    for a in calls(3):
        player.offer(a)
    wait_idle(qtbot, player)
    assert [h[0] for h in player.history] == ["start", "end"] * 3


def test_unknown_prefix_falls_back_to_the_chime(qtbot, owner, sink):
    player = VoicePlayer(make_voice("clips", out=sink, parent=owner).backend, VoiceSettings(), owner)
    player.offer(Announcement(number="甲001", window_number=3, ticket_id=1))
    wait_idle(qtbot, player)
    assert [n for _, n in sink.played] == [frames(ClipLibrary().clip("chime"))]
    assert "甲" in player.backend.problem


# --------------------------------------------------------------------------------------------- degrading


class NoDevice(WavSink):
    available = False
    problem = "未检测到音频输出设备"


def test_no_sound_device_keeps_working_and_says_so(qtbot, owner, tmp_path):
    out = NoDevice(tmp_path / "x.wav", parent=owner)
    setup = make_voice("clips", out=out, parent=owner)
    assert isinstance(setup.backend, SilentVoice) and not setup.ok
    assert "未检测到音频输出设备" in setup.status and "仅显示" in setup.status
    player = VoicePlayer(setup.backend, VoiceSettings(), owner)
    player.offer(calls(1)[0])
    wait_idle(qtbot, player)
    out.close()


def test_real_audio_out_reports_its_state(owner):
    out = QtAudioOut(owner)
    assert out.available or out.problem  # here (no sound card) the problem; on a hall PC the device


def test_missing_speech_engine_falls_back_to_clips(owner, sink):
    setup = make_voice("qt", tts_engine="no-such-engine", out=sink, parent=owner)
    assert isinstance(setup.backend, ClipVoice)
    assert "改用录音片段" in setup.status and not setup.ok


def test_missing_clips_fall_back_to_chime_then_nothing(owner, sink, tmp_path):
    import shutil

    from common.services.voice_queue import default_sounds_dir

    only_chime = tmp_path / "sounds"
    only_chime.mkdir()
    shutil.copy(default_sounds_dir() / "chime.wav", only_chime / "chime.wav")
    setup = make_voice("clips", out=sink, sounds_dir=only_chime, parent=owner)
    assert setup.backend.name == "chime" and "缺少语音片段" in setup.status
    setup = make_voice("clips", out=sink, sounds_dir=tmp_path / "none", parent=owner)
    assert isinstance(setup.backend, SilentVoice) and "语音不可用" in setup.status


class Stuck(VoiceBackend):
    name = "stuck"

    def play(self, a, utterances) -> None:  # never reports back
        self.played = getattr(self, "played", []) + [a.number]


def test_watchdog_moves_on_from_a_stuck_engine(qtbot, owner):
    backend = Stuck(owner)
    player = VoicePlayer(backend, VoiceSettings(repeat=1), owner)
    player.WATCHDOG_BASE_MS, player.WATCHDOG_PER_SENTENCE_MS = 50, 10
    statuses = []
    player.statusChanged.connect(statuses.append)
    for a in calls(2):
        player.offer(a)
    qtbot.waitUntil(lambda: not player.busy, timeout=10_000)
    assert backend.played == ["A001", "A002"]
    assert [h[0] for h in player.history] == ["start", "timeout", "start", "timeout"]
    assert statuses and "超时" in statuses[0]


# --------------------------------------------------------------------------------------------- Qt mock speech


def _mock_tts(owner, sink) -> TtsVoice:
    if optional_module("QtTextToSpeech")[0] is None:
        pytest.skip("Qt TextToSpeech (PySide6-Addons) is not installed")
    setup = make_voice("qt", tts_engine="mock", out=sink, parent=owner)
    if not isinstance(setup.backend, TtsVoice):
        pytest.skip(f"Qt's mock speech engine is not available: {setup.status}")
    assert setup.ok and "mock" in setup.status
    return setup.backend


class EngineLog:
    """What the engine itself reports: each sentence's start (state → Speaking) and its words, and Ready."""

    def __init__(self, tts):
        self.events: list[tuple[str, str]] = []
        self.state_at_say: list[str] = []
        engine = tts.tts
        engine.stateChanged.connect(lambda st: self.events.append(("state", st.name)))
        engine.sayingWord.connect(lambda word, _id, _start, _len: self.events.append(("word", word)))
        original = engine.say

        def say(text, _orig=original, _engine=engine):
            self.state_at_say.append(_engine.state().name)
            self.events.append(("say", text))
            _orig(text)

        tts.tts.say = say  # shadow on the instance: TtsVoice calls self.tts.say(...)

    def sentences(self) -> list[str]:
        return [text for kind, text in self.events if kind == "say"]


def test_mock_engine_ten_calls_in_order_never_overlapping(qtbot, owner, sink):
    tts = _mock_tts(owner, sink)
    log = EngineLog(tts)
    settings = VoiceSettings(repeat=1)
    player = VoicePlayer(tts, settings, owner)
    batch = calls(10)
    for a in batch:
        player.offer(a)
    wait_idle(qtbot, player, 60_000)
    from common.services.display import announcement_text

    assert log.sentences() == [announcement_text(a.number, a.window_number) for a in batch]
    assert set(log.state_at_say) == {"Ready"}  # never said while the engine was still speaking
    # each sentence ran to its natural end: Speaking … Ready, then the next one
    states = [v for k, v in log.events if k == "state"]
    assert states == ["Speaking", "Ready"] * 10
    assert [entry[0] for entry in tts.log] == ["say", "done"] * 10
    assert all(h[0] != "timeout" for h in player.history)
    assert [n for _, n in sink.played] == [frames(ClipLibrary().clip("chime"))] * 10  # a chime before each


def test_mock_engine_chinese_then_english_and_recall(qtbot, owner, sink):
    tts = _mock_tts(owner, sink)
    log = EngineLog(tts)
    player = VoicePlayer(tts, VoiceSettings(repeat=1, english=True, chime=False), owner)
    a = calls(1)[0]
    player.offer(a)
    wait_idle(qtbot, player, 30_000)
    player.offer(Announcement(**{**a.__dict__, "recall": True, "event_id": 50}))
    wait_idle(qtbot, player, 30_000)
    zh = "请A零零一号到二号窗口办理"
    en = "Number A 0 0 1, please go to window 2"
    assert log.sentences() == [zh, en, zh, en]  # the recall repeats the whole announcement
    words = [w for k, w in log.events if k == "word"]
    assert words.count("window") == 2 and words[-1] == "2"  # the English sentence spoken to its last word
