"""The chapter "Services": its labs tell the chapter's story at their defaults with Android's numbers, the sentences
of book/services.md agree with the runs, and its exercise checkers accept the solutions and reject wrong answers
with a hint."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import sim
from widgets.chapters import services as chapter
from widgets.chapters.services import check

PAGE = Path(__file__).resolve().parents[3] / "book" / "services.md"

# The answers given in the chapter's solution dropdowns (book/services.md).
SOLUTIONS = {
    "music": sim.Service(mode="foreground", at_s=60, run_s=3600, cpu_share=0.05, wakelock=True,
                         fgs_type="mediaPlayback"),
    "upload": "expedited",
    "compress": sim.Service(mode="foreground", at_s=50, run_s=600, cpu_share=1.0, threads=2, fgs_type="dataSync"),
}
WRONG = {
    "music": [
        sim.Service(mode="started", at_s=60, run_s=3600, cpu_share=0.05, wakelock=True),  # stopped after a minute
        sim.Service(mode="foreground", at_s=60, run_s=3600, cpu_share=0.05, fgs_type="mediaPlayback"),  # CPU sleeps
        sim.Service(mode="foreground", at_s=60, run_s=3600, cpu_share=0.05, wakelock=True),  # no type on 14
        sim.Service(mode="foreground", at_s=60, run_s=3600, cpu_share=0.05, wakelock=True, fgs_type="shortService"),
        sim.Service(mode="foreground", at_s=60, run_s=3600, cpu_share=0.05, wakelock=True, fgs_type="dataSync"),
    ],
    "upload": ["started", "fgs", "job"],
    "compress": [
        sim.Service(mode="foreground", at_s=50, run_s=300, cpu_share=1.0, threads=4, fgs_type="dataSync"),  # jank
        sim.Service(mode="started", at_s=50, run_s=600, cpu_share=1.0, threads=2),  # stopped when the game opens
        sim.Service(mode="foreground", at_s=50, run_s=300, cpu_share=1.0, threads=2, fgs_type="dataSync"),  # half
        sim.Service(mode="foreground", at_s=50, run_s=2400, cpu_share=1.0, threads=1, fgs_type="dataSync",
                    calls_start_foreground_after_s=None),  # never calls startForeground()
    ],
}
# Where each wrong answer's hint points (a figure's row or lab, never the answer).
HINTS = {
    "music": ["'music: playing' row", "'CPU awake' row", "MissingForegroundServiceTypeException", "shortService",
              "Which type is music?"],
    "upload": ["service's row end", "notification", "not one of the lab's choices"],
    "compress": ["threads", "service row ends", "20 (run_s x cpu_share x threads)", "startForeground()"],
}


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_each_checker_accepts_the_chapters_solution(name: str) -> None:
    verdict = check(name, SOLUTIONS[name])
    assert verdict.correct, verdict.message


@pytest.mark.parametrize(("name", "i"), [(n, i) for n, answers in WRONG.items() for i in range(len(answers))])
def test_each_checker_rejects_a_wrong_answer_with_a_hint(name: str, i: int) -> None:
    verdict = check(name, WRONG[name][i])
    assert not verdict.correct
    assert HINTS[name][i] in verdict.message, verdict.message


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
@pytest.mark.parametrize("answer", [None, 8, True, [1, 2]])
def test_a_missing_or_wrong_kind_of_answer_gets_a_plain_message(name: str, answer: object) -> None:
    verdict = check(name, answer)
    assert not verdict.correct
    assert "Traceback" not in verdict.message
    assert ("no answer yet" in verdict.message) if answer is None else ("this exercise wants" in verdict.message)


def test_an_unknown_exercise_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="exercise 'musik': allowed music, upload, compress"):
        check("musik", "fgs")


def test_the_solutions_on_the_page_are_the_tested_ones() -> None:
    text = " ".join(PAGE.read_text().split())
    assert 'answer = sim.Service(mode="foreground", at_s=60, run_s=3600, cpu_share=0.05, wakelock=True, ' \
           'fgs_type="mediaPlayback")' in text
    assert 'answer = "expedited"' in text
    assert 'answer = sim.Service(mode="foreground", at_s=50, run_s=600, cpu_share=1.0, threads=2, ' \
           'fgs_type="dataSync")' in text


# -- the labs at their defaults, and the page's sentences ----------------------------------------------------------


def _stop(result: sim.Result, app: str) -> float:
    return max(s.end_s for s in result.lane("service", app))


def test_the_music_lab_background_service_stops_a_minute_after_the_user_leaves_and_the_foreground_one_plays() -> None:
    lab = chapter.music_lab()
    bg, fg = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert _stop(bg, "music") == pytest.approx(chapter.MUSIC_LEAVE_S + 60.0)  # BACKGROUND_SETTLE_TIME
    assert any("app idle" in e.detail for e in bg.events if e.kind == "service_stop")
    assert chapter.music_played_min(bg) == pytest.approx(3.0)  # 1 min to 4 min
    assert chapter.music_played_min(fg) == pytest.approx(60.0)
    assert chapter.notification_min(fg) == pytest.approx(60.0)
    assert chapter.notification_min(bg) == 0.0
    # the hour of music keeps the CPU awake (its wakelock), which costs more than the three minutes did
    suspended = [s for s in fg.lane("cpu") if s.value == "suspended" and s.start_s < chapter.MUSIC_PLAY_S + 3600]
    assert suspended == []
    assert fg.summary["battery_drained_mah"] > bg.summary["battery_drained_mah"]


def test_the_music_lab_before_android_8_limits_plays_with_no_notification_and_a_job_stops_and_starts() -> None:
    lab = chapter.music_lab()
    old = lab.run(mechanism="started", target_sdk=25)
    assert chapter.music_played_min(old) == pytest.approx(60.0)
    assert chapter.notification_min(old) == 0.0
    job = lab.run(mechanism="job", target_sdk=34)
    assert chapter.music_played_min(job) < 30 and chapter.music_silences(job) >= 2


def test_the_upload_lab_background_service_is_cut_on_3g_and_the_expedited_job_and_fgs_finish() -> None:
    lab = chapter.upload_lab()
    bg, ej = lab.run(**lab.baseline), lab.run(**lab.defaults)
    fgs = lab.run(mechanism="fgs", size_mb=20, network="3g")
    assert _stop(bg, "chat") == pytest.approx(chapter.CHAT_LEAVE_S + 60.0)
    assert chapter.sent_mb(bg) < 20 and math.isnan(chapter.upload_done_s(bg))
    # 20 MB at 3G's assumed 0.5 Mbit/s up: 320 s, plus the radio's promotion and the app's second of CPU
    assert chapter.upload_done_s(ej) == pytest.approx(320, abs=5)
    assert ej.summary.get("notification_s", 0.0) == 0.0
    assert chapter.upload_done_s(fgs) == pytest.approx(320, abs=5)
    assert fgs.summary["notification_s"] == pytest.approx(chapter.upload_done_s(fgs), abs=2)
    wifi = lab.run(mechanism="started", size_mb=20, network="wifi")
    assert chapter.upload_done_s(wifi) < 60  # inside the minute after the user leaves


def test_the_compression_lab_costs_the_game_frames_as_a_service_and_none_as_a_job() -> None:
    lab = chapter.compress_lab()
    old, job = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert old.summary["janky_frames_from_background"] > 1000
    assert chapter.compressed_pct(old) == pytest.approx(100.0)
    assert job.summary["janky_frames_from_background"] == 0
    assert chapter.compressed_at_s(job) > chapter.CHARGER_S  # it waited for the charger and the idle phone
    new = lab.run(mechanism="started", target_sdk=34)
    assert 0 < new.summary["janky_frames_from_background"] < old.summary["janky_frames_from_background"]
    assert chapter.compressed_pct(new) < 50  # stopped a minute after the user opened the game


def test_the_fgs_table_shows_android_8_12_and_14_as_android_does() -> None:
    rows = {r[chapter.CALL_COLUMN]: r for r in chapter.fgs_table()}
    bg = rows["from the background (a job)"]
    assert [bg[v] for v in chapter.VERSIONS.values()] == ["runs", "refused", "refused"]
    assert chapter.fgs_refusal(31) == chapter.fgs_refusal(34) == "ForegroundServiceStartNotAllowedException"
    for exempt in ("from a high-priority FCM message", "from an exact alarm the user set",
                   "from a tap on its notification", "from the app on screen"):
        assert set(rows[exempt].values()) - {exempt} == {"runs"}
    late8 = rows["... startForeground() 8 s late"]
    assert [late8[v] for v in chapter.VERSIONS.values()] == ["stopped: ANR", "runs", "runs"]  # 5 s, 10 s, 30 s
    late15 = rows["... startForeground() 15 s late"]
    assert [late15[v] for v in chapter.VERSIONS.values()] == ["stopped: ANR", "stopped: crash", "runs"]


def test_the_pages_claims_match_the_runs() -> None:
    """Sentences of book/services.md whose words are not glued but follow from the runs."""
    text = " ".join(PAGE.read_text().split())
    lab = chapter.music_lab()
    assert "About **a minute after the user leaves**" in text
    assert _stop(lab.run(**lab.baseline), "music") - chapter.MUSIC_LEAVE_S == pytest.approx(60.0)
    assert "none, about a hundred, or over a thousand" in text
    assert chapter.compress_lab().run(**chapter.compress_lab().baseline).summary["janky_frames_from_background"] > 1000
    assert "The upload takes about five minutes" in text
    assert 4 * 60 < chapter.upload_done_s(chapter.upload_lab().run(**chapter.upload_lab().defaults)) < 6 * 60
    assert "two threads need 10 minutes, one 20" in text
    for threads, minutes in ((2, 10), (1, 20)):
        svc = sim.Service(mode="foreground", at_s=50, run_s=minutes * 60, cpu_share=1.0, threads=threads,
                          fgs_type="dataSync")
        assert check("compress", svc).correct
    # Each lab opens on A = the background service against B = the recommended choice.
    for lab_, a, b in ((chapter.music_lab(), "started", "fgs"), (chapter.upload_lab(), "started", "expedited"),
                       (chapter.compress_lab(), "started", "job")):
        assert lab_.baseline["mechanism"] == a and lab_.defaults["mechanism"] == b


def test_the_labs_build_their_static_twins_and_live_specs() -> None:
    for lab in (chapter.music_lab(), chapter.upload_lab(), chapter.compress_lab()):
        spec = lab.static_twin().to_dict()
        assert spec["params"]
        live = lab.spec(ab=True, **lab.defaults)
        assert "vconcat" in live
        assert lab.spec(**lab.baseline) != lab.spec(**lab.defaults)  # a control change redraws


def test_every_glued_name_on_the_page_is_glued_in_it() -> None:
    text = PAGE.read_text()
    used = set(re.findall(r"\{glue:text\}`([a-z0-9_]+)", text))
    glued = set(re.findall(r'glue\("([a-z0-9_]+)"', text))
    assert used and used <= glued
