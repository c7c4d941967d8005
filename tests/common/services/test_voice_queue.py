"""The announcement queue, the script, the recorded clips and `voice_health`; no Qt."""

from __future__ import annotations

import shutil
import wave
from types import SimpleNamespace

import pytest

from common.services.voice_queue import (
    CHIME,
    GAP_WORD_MS,
    REQUIRED_CLIPS,
    SAMPLE_RATE,
    Announcement,
    ClipError,
    ClipLibrary,
    VoiceQueue,
    VoiceSettings,
    default_sounds_dir,
    frames,
    pcm_to_wav,
    script,
    silence,
    voice_health,
)


def call(n: int, *, recall: bool = False, event_id: int | None = None, window: int = 5) -> Announcement:
    return Announcement(number=f"A{n:03d}", window_number=window, ticket_id=n, window_id=window, recall=recall,
                        event_id=event_id)


# --------------------------------------------------------------------------------------------- queue rules


def test_calls_come_out_in_order_one_at_a_time():
    q = VoiceQueue()
    for n in range(1, 11):
        assert q.offer(call(n, event_id=n))
    spoken = []
    while (a := q.start_next()) is not None:
        assert q.start_next() is None  # never a second one while one plays
        spoken.append(a.number)
        q.finish_current()
    assert spoken == [f"A{n:03d}" for n in range(1, 11)]
    assert not q.busy and len(q) == 0


def test_duplicate_event_is_announced_once():
    q = VoiceQueue()
    assert q.offer(call(1, event_id=7))
    q.start_next()
    q.finish_current()
    assert not q.offer(call(1, event_id=7))  # redelivered after a reconnect
    assert q.dropped[-1][1] == "duplicate event"


def test_call_already_waiting_is_not_queued_twice():
    q = VoiceQueue()
    assert q.offer(call(1, event_id=1))
    assert q.offer(call(2, event_id=2))
    assert not q.offer(call(1, event_id=3))
    assert [a.number for a in q.pending] == ["A001", "A002"]


def test_recall_repeats_the_announcement():
    q = VoiceQueue()
    q.offer(call(1, event_id=1))
    q.offer(call(2, event_id=2))
    assert not q.offer(call(2, recall=True, event_id=3))  # A002 not yet heard: the pending one covers it
    current = q.start_next()
    assert current.number == "A001"
    assert q.offer(call(1, recall=True, event_id=4))  # being announced now: say it again afterwards
    q.finish_current()
    order = []
    while (a := q.start_next()) is not None:
        order.append((a.number, a.recall))
        q.finish_current()
    assert order == [("A002", False), ("A001", True)]
    assert q.offer(call(2, recall=True, event_id=5))  # already heard: a recall is spoken again


def test_cancel_drops_tickets_no_longer_called():
    q = VoiceQueue()
    for n in (1, 2, 3):
        q.offer(call(n))
    q.start_next()
    assert q.cancel_ticket(1) == 0  # the current one plays to the end
    assert q.cancel_ticket(2) == 1
    assert q.cancel_ticket(None) == 0
    assert [a.number for a in q.pending] == ["A003"]


def test_overflow_drops_recalls_first_then_the_oldest():
    q = VoiceQueue(max_pending=3)
    q.offer(call(1))
    q.start_next()
    q.finish_current()
    q.offer(call(1, recall=True))
    q.offer(call(2))
    q.offer(call(3))
    q.offer(call(4))
    assert [a.number for a in q.pending] == ["A002", "A003", "A004"]
    q.offer(call(5))
    assert [a.number for a in q.pending] == ["A003", "A004", "A005"]
    assert not q.offer(Announcement(number="", window_number=1))


def test_announcement_from_payload():
    a = Announcement.from_payload({"ticket_id": 9, "number": "B007", "queue_id": 1, "window_id": 4,
                                   "window_number": 3, "window_name": "3号窗口", "staff_name": "王小明"},
                                  recall=True, event_id=12)
    assert (a.number, a.window_number, a.ticket_id, a.window_id, a.recall, a.event_id) == ("B007", 3, 9, 4, True, 12)
    assert "王" not in a.label()


def test_script_chime_rounds_and_english():
    a = call(12)
    s = script(a, VoiceSettings(repeat=2, english=True))
    kinds = [(u.kind, u.lang) for u in s if u.kind != "pause"]
    assert kinds == [("chime", ""), ("speech", "zh"), ("speech", "en"), ("speech", "zh"), ("speech", "en")]
    assert s[2].text == "请A零一二号到五号窗口办理"
    s = script(a, VoiceSettings(repeat=1, chime=False, number_reading="natural"))
    assert [u.text for u in s] == ["请A十二号到五号窗口办理"]


def test_settings_from_config():
    d = SimpleNamespace(voice_repeat=3, voice_english=True, number_reading="natural")
    assert VoiceSettings.from_config(d) == VoiceSettings(repeat=3, english=True, number_reading="natural")


# --------------------------------------------------------------------------------------------- clips


def test_bundled_clips_are_complete_and_small():
    lib = ClipLibrary()
    assert lib.ok, lib.problems
    total = sum(p.stat().st_size for p in default_sounds_dir().glob("*.wav"))
    assert total < 1_500_000
    for name in REQUIRED_CLIPS:
        with wave.open(str(default_sounds_dir() / f"{name}.wav"), "rb") as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
            assert 0.1 < w.getnframes() / SAMPLE_RATE < 2.0, name


def test_tokens_longest_match():
    lib = ClipLibrary()
    assert lib.tokens("请A零一二号到五号窗口办理") == [
        "zh_qing", "letter_A", "zh_0", "zh_1", "zh_2", "zh_hao", "zh_dao", "zh_5", "zh_haochuangkou", "zh_banli"]
    assert lib.tokens("Number A 0 1 2, please go to window 5", "en") == [
        "en_number", "letter_A", "en_0", "en_1", "en_2", "en_please_go_to_window", "en_5"]
    with pytest.raises(ClipError):
        lib.tokens("请甲零一号到五号窗口办理")


def test_render_is_the_sum_of_its_parts():
    lib = ClipLibrary()
    s = script(call(12), VoiceSettings(repeat=2, english=True))
    pcm = lib.render(s)
    parts = lib.parts(s)
    assert frames(pcm) == sum(frames(p) for p in parts)
    words = lib.tokens("请A零一二号到五号窗口办理")
    expected_zh = sum(frames(lib.clip(t)) for t in words) + (len(words) - 1) * frames(silence(GAP_WORD_MS))
    assert frames(lib.render([u for u in s if u.lang == "zh"][:1])) == expected_zh
    assert frames(lib.render(s[:1])) == frames(lib.clip(CHIME))
    wav = pcm_to_wav(pcm)
    assert wav[:4] == b"RIFF" and len(wav) == len(pcm) + 44


def test_library_reports_missing_and_wrong_clips(tmp_path):
    for p in default_sounds_dir().glob("*.wav"):
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "zh_5.wav").unlink()
    with wave.open(str(tmp_path / "zh_6.wav"), "wb") as w:  # a hall's own recording at 44.1 kHz stereo
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(b"\0" * 400)
    lib = ClipLibrary(tmp_path)
    assert not lib.ok
    assert any("zh_5.wav" in p for p in lib.problems)
    assert any("zh_6.wav" in p and "44100" in p for p in lib.problems)
    with pytest.raises(ClipError):
        lib.render(script(call(5), VoiceSettings(repeat=1)))
    assert ClipLibrary(tmp_path / "nowhere").problems


# --------------------------------------------------------------------------------------------- health


def test_voice_health_none_and_unknown():
    h = voice_health("none")
    assert h.ok and "关闭" in h.summary
    h = voice_health("loud")
    assert not h.ok and "未知" in h.summary


def test_voice_health_reports_missing_clips(tmp_path):
    h = voice_health("clips", sounds_dir=tmp_path)
    assert not h.ok
    assert any("找不到语音片段目录" in p or "缺少" in p for p in h.problems)
    assert h.summary.startswith("语音播报（录音片段拼接）有问题")


def test_voice_health_is_plain_data():
    for backend in ("qt", "clips", "chime"):
        h = voice_health(backend)
        assert h.backend == backend and isinstance(h.ok, bool) and h.summary
        assert all(isinstance(p, str) for p in h.problems + h.notes)
