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


# -- the prose's claims, from the same runs the page glues --------------------------------------------------------


@pytest.fixture(scope="module")
def refresh_lab():
    return chapter.refresh_lab()


def test_the_careful_job_first_runs_after_android_12_batching_not_at_the_charger(refresh_lab) -> None:
    careful = refresh_lab.run(constraints="both", interval_min=60)
    active = refresh_lab.run(constraints="both", interval_min=60, bucket="active")
    ready = chapter.unmetered_charging_from(careful)
    first = min(w.start_s for w in careful.work)
    # 31 min: JobSchedulerService DEFAULT_MAX_NON_ACTIVE_JOB_BATCH_DELAY_MS (Android 12+), for a non-ACTIVE app
    assert first - ready == pytest.approx(31 * 60, abs=60)
    assert min(w.start_s for w in active.work) == pytest.approx(ready, abs=60)
    prediction = chapter.refresh_prediction(careful, refresh_lab.run(constraints="none", interval_min=60), active)
    assert prediction.answer == "a handful of times, all in the evening"
    assert "31 minutes" in prediction.reveal and chapter.clock(first) in prediction.reveal


def test_the_refresh_paragraphs_claims_hold(refresh_lab) -> None:
    facts = chapter.refresh_facts(refresh_lab)
    assert facts["unmetered_metered_mb"] == 0 and facts["unmetered_runs"] >= 12
    assert facts["idle_at_night"] >= 1 and facts["idle_at_office"] >= 1  # "at night, and on the office desk"
    assert facts["runs_60"] < facts["runs_15"] < 2 * facts["runs_60"]  # "not four times as many"
    assert facts["rare_runs"] < facts["runs_60"] and facts["rare_daytime"] == 0  # "not once between 8:00 and 19:00"
    assert facts["rare_sessions"] == 3  # QuotaController DEFAULT_MAX_SESSION_COUNT_RARE (Android 10-15)


def test_the_fleet_prediction_is_told_per_refresh_too() -> None:
    lab = chapter.fleet_lab()
    now, job = lab.run(apps=8, mechanism="immediate"), lab.run(apps=8, mechanism="job")
    prediction = chapter.fleet_prediction(now, job)
    ratio = job.summary["cell_radio_active_s"] / now.summary["cell_radio_active_s"]
    assert prediction.answer == "about a fifth" and 0.1 < ratio < 0.35
    assert now.summary["work_runs"] != job.summary["work_runs"]  # the page says they did different amounts of work
    assert f"{now.summary['work_runs']:.0f} refreshes" in prediction.reveal
    per_now = now.summary["cell_radio_active_s"] / now.summary["work_runs"]
    per_job = job.summary["cell_radio_active_s"] / job.summary["work_runs"]
    assert per_job < per_now / 2  # per unit of work, the jobs still win clearly


def test_a_waiting_bar_names_every_reason_that_held_the_job_and_for_how_long(refresh_lab) -> None:
    from widgets import kit
    careful = refresh_lab.run(constraints="both", interval_min=60)
    rows = kit.timeline_rows(careful, apps=None, window_h=(0.0, 24.0), rows=None, gap_s=60.0)
    first = next(r for r in rows if r["row"] == "news: waiting to run" and r["why"])
    assert "waiting for a charger" in first["why"] and "Android 12 batching 31 min" in first["why"]


def test_the_album_exercise_the_guides_pair_is_too_late_device_idle_alone_is_done_in_the_early_afternoon() -> None:
    def finished(**constraints: object) -> float:
        app = sim.App("album", target_sdk=34, bucket="active", work=(album_job(**constraints),) * chapter.PHOTOS)
        result = sim.run(sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=24 * 3600), seed=0)
        return max(w.end_s for w in result.work)

    assert finished(requires_device_idle=True) < 15 * 3600  # "early in the afternoon"
    assert finished(requires_device_idle=True, requires_charging=True) > chapter.ALBUM_BY_S  # the evening charger
