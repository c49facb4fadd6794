"""The chapter "Scheduled jobs": its exercise checkers accept the solutions and reject wrong answers kindly, and its
labs tell the chapter's story at their defaults."""

from __future__ import annotations

import pytest

import sim
from widgets.chapters import scheduled_jobs as chapter
from widgets.chapters.scheduled_jobs import album_job, check

# The chapter's exercises (solutions, wrong answers, hints) are checked for every chapter by
# tests/widgets/test_exercises.py; here, the claims their explanations make.


@pytest.mark.parametrize("minutes", [80, 85, 95, 100])
def test_office_periods_from_80_to_100_minutes_pass(minutes: int) -> None:
    job = sim.Job(every_s=minutes * 60, cpu_s=3, down_bytes=2_000_000, network="unmetered")
    assert check("office", job).correct


@pytest.mark.parametrize("minutes", [90, 110, 120, 180])
def test_office_period_90_and_from_about_105_minutes_leave_the_news_too_old(minutes: int) -> None:
    job = sim.Job(every_s=minutes * 60, cpu_s=3, down_bytes=2_000_000, network="unmetered")
    age, _ = chapter.staleness_h(chapter._news_day(job))
    assert age > chapter.OFFICE_MAX_AGE_H


def test_office_a_15_minute_period_runs_about_twice_as_often_for_the_same_worst_age() -> None:
    def day(minutes: int) -> tuple[int, float]:
        result = chapter._news_day(sim.Job(every_s=minutes * 60, cpu_s=3, down_bytes=2_000_000, network="unmetered"))
        return int(result.summary["job_runs"]), chapter.staleness_h(result)[0]

    (runs_15, age_15), (runs_80, age_80) = day(15), day(80)
    assert 1.6 <= runs_15 / runs_80 <= 2.4
    assert age_15 == pytest.approx(age_80, abs=0.1)


def test_a_misspelt_constraint_is_refused_naming_the_field_and_what_is_allowed() -> None:
    with pytest.raises(ValueError, match=r"Job.network='wifi': allowed .*unmetered"):
        album_job(network="wifi")


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
