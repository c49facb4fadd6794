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

# Where each of an exercise's likely wrong answers (its Exercise.wrong, in order) is pointed: a figure's row or lab,
# or what Android did, never the answer (tests/widgets/test_exercises.py checks the rest for every chapter).
HINTS = {
    "run": ["cannot be created from the background", "cannot be created from the background", "'CPU awake' row"],
    "upload": ["service's row end", "notification"],
    "compress": ["threads", "service row ends", "20 (run_s x cpu_share x threads)", "startForeground()"],
}


def test_every_wrong_answer_has_its_hint() -> None:
    assert {name: len(ex.wrong) for name, ex in chapter.EXERCISES.items()} == {n: len(h) for n, h in HINTS.items()}


@pytest.mark.parametrize(("name", "i"), [(n, i) for n, hints in HINTS.items() for i in range(len(hints))])
def test_each_wrong_answer_gets_the_hint_that_points_at_its_figure(name: str, i: int) -> None:
    answer = chapter.EXERCISES.evaluate(chapter.EXERCISES[name].wrong[i])
    verdict = check(name, answer)
    assert not verdict.correct
    assert HINTS[name][i] in verdict.message, verdict.message


def test_an_unknown_upload_choice_gets_a_plain_message() -> None:
    verdict = check("upload", "job")
    assert not verdict.correct and "this exercise wants" in verdict.message


def test_an_unknown_exercise_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="exercise 'musik': allowed run, upload, compress"):
        check("musik", "fgs")


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


def test_the_predictions_reveal_what_the_runs_show() -> None:
    music, upload, compress = chapter.music_lab(), chapter.upload_lab(), chapter.compress_lab()
    p = chapter.music_prediction(music.run(**music.baseline), music.run(**music.defaults))
    assert p.answer == "about a minute after the user switches apps"
    assert "60 s after the user switches apps" in p.reveal
    runs = [upload.run(mechanism=m, size_mb=20, network=n)
            for m, n in (("started", "3g"), ("expedited", "3g"), ("fgs", "3g"), ("started", "wifi"))]
    p = chapter.upload_prediction(*runs)
    assert p.answer == "about a quarter" and p.reveal.startswith("**5 MB of 20.**")
    p = chapter.compress_prediction(compress.run(**compress.baseline), compress.run(**compress.defaults))
    assert p.answer == "over a thousand as a service, none as a job"
    p = chapter.fgs_prediction(chapter.fgs_table())
    assert p.answer == "no: the call is refused" and "ForegroundServiceStartNotAllowedException" in p.reveal


def test_the_pages_claims_match_the_runs() -> None:
    """Sentences of book/services.md and of the solutions whose words are not glued but follow from the runs."""
    text = " ".join(PAGE.read_text().split())
    assert "The upload takes about five minutes" in text
    assert 4 * 60 < chapter.upload_done_s(chapter.upload_lab().run(**chapter.upload_lab().defaults)) < 6 * 60
    assert "two threads need 10 minutes, one 20" in chapter.EXERCISES["compress"].explain
    for threads, minutes in ((2, 10), (1, 20)):
        svc = sim.Service(mode="foreground", at_s=50, run_s=minutes * 60, cpu_share=1.0, threads=threads,
                          fgs_type="dataSync")
        assert check("compress", svc).correct
    # Each lab opens on A = the background service against B = the recommended choice.
    for lab_, a, b in ((chapter.music_lab(), "started", "fgs"), (chapter.upload_lab(), "started", "expedited"),
                       (chapter.compress_lab(), "started", "job")):
        assert lab_.baseline["mechanism"] == a and lab_.defaults["mechanism"] == b
    # The music paragraph: the background service at target 25 plays the hour; the job's battery is not comparable.
    assert "The simulator's job is given the hour as CPU work" in text


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
