"""The chapter "Scheduled jobs": its exercise checkers accept the solutions and reject wrong answers kindly, and its
labs tell the chapter's story at their defaults."""

from __future__ import annotations

import pytest

import sim
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD
from widgets.chapters import scheduled_jobs as chapter
from widgets.chapters.scheduled_jobs import album_job, check

# The answers given in the chapter's solution dropdowns (book/scheduled-jobs.md).
SOLUTIONS = {
    "unmetered": sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000, network="unmetered"),
    "album": album_job(requires_device_idle=True, requires_charging=True),
    "backoff": 30 + 60 + 120 + 3,
    "period": 8,
}
WRONG = {
    "unmetered": [sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000),  # uses cellular on the commute
                  sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000, network="unmetered", requires_charging=True)],
    "album": [album_job()],  # runs at lunch, beside the app on screen
    "backoff": [30 + 60 + 120 + 240, 30],
    "period": [24, 7],
}


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_each_checker_accepts_the_chapters_solution(name: str) -> None:
    verdict = check(name, SOLUTIONS[name])
    assert verdict.correct, verdict.message


@pytest.mark.parametrize(("name", "answer"), [(n, a) for n, answers in WRONG.items() for a in answers])
def test_each_checker_rejects_a_wrong_answer_and_says_why(name: str, answer: object) -> None:
    verdict = check(name, answer)
    assert not verdict.correct
    assert len(verdict.message) > 20


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
@pytest.mark.parametrize("answer", [None, "8", True, [1, 2]])
def test_a_missing_or_wrong_kind_of_answer_gets_a_plain_message(name: str, answer: object) -> None:
    verdict = check(name, answer)
    assert not verdict.correct
    assert "Traceback" not in verdict.message
    assert ("no answer yet" in verdict.message) if answer is None else ("this exercise wants" in verdict.message)


def test_a_misspelt_constraint_is_refused_naming_the_field_and_what_is_allowed() -> None:
    with pytest.raises(ValueError, match=r"Job.network='wifi': allowed .*unmetered"):
        album_job(network="wifi")


def test_the_backoff_answer_is_the_simulators_with_android_s_30_60_120_waits() -> None:
    # (the first attempt also starts the app's process: sim.processes.ASSUMED_COLD_START_CPU_S)
    assert chapter.backoff_truth() == pytest.approx(30 + 60 + 120 + 3 * 1.004 + COLD, abs=0.01)


def test_the_refresh_lab_opens_on_its_story() -> None:
    lab = chapter.refresh_lab()
    free, careful = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert free.summary["metered_mb"] > 0 and careful.summary["metered_mb"] == 0
    # Unmetered and charging: only on the charger at home, from 19:00 (the weekday preset).
    assert min(w.start_s for w in careful.work) >= 19 * 3600


def test_batching_by_jobs_cuts_the_cellular_radio_time() -> None:
    lab = chapter.fleet_lab()
    now, jobs = lab.run(**lab.baseline), lab.run(**lab.defaults)
    assert jobs.summary["cell_radio_active_s"] < 0.5 * now.summary["cell_radio_active_s"]
    assert jobs.summary["wakeups"] < now.summary["wakeups"]


def test_the_album_job_trades_jank_for_delay() -> None:
    lab = chapter.album_lab()
    now, job = lab.run(when="now"), lab.run(when="job")
    assert now.summary["janky_frames_from_background"] > 100
    assert job.summary["janky_frames_from_background"] == 0
    assert job.summary["work_latency_p50_s"] > 3600


def test_the_desk_night_sentence_matches_its_table() -> None:
    # "no app runs more than twice in one window", though a run had waited through many of its periods
    night = sim.run(chapter.desk_scenario(), seed=1)
    deep = chapter.deep_window_runs(night)
    assert deep["windows"] == 3
    assert deep["most_per_app"] == 2
    assert deep["most_missed"] > 2
