"""The chapter "Scheduled jobs": its scenarios, its labs and the checkers of its exercises."""

from __future__ import annotations

from typing import Any

import sim
from widgets import kit
from widgets.controls import Control
from widgets.exercises import Exercise, Verdict, require
from widgets.lab import Lab, Runs

H = 3600.0
DAY_S = 24 * H

# -- 1. one app refreshing its cache ---------------------------------------------------------------------------

#: The news app's refresh: 3 s of CPU and 2 MB down (ASSUMPTION: a typical feed with thumbnails).
REFRESH_CPU_S = 3.0
REFRESH_BYTES = 2_000_000

CONSTRAINTS: dict[str, dict[str, Any]] = {
    "none": {},
    "unmetered": {"network": "unmetered"},
    "charging": {"requires_charging": True},
    "both": {"network": "unmetered", "requires_charging": True},
    "idle": {"requires_device_idle": True},
}
CONSTRAINT_LABELS = {
    "none": "none (any network)",
    "unmetered": "unmetered network",
    "charging": "charging",
    "both": "unmetered and charging",
    "idle": "device idle",
}


def refresh_job(constraints: str, interval_min: int) -> sim.Job:
    return sim.Job(every_s=interval_min * 60.0, cpu_s=REFRESH_CPU_S, down_bytes=REFRESH_BYTES,
                   **CONSTRAINTS[constraints])


def refresh_scenario(constraints: str, interval_min: int) -> sim.Scenario:
    """A weekday with one news app whose cache refresh is a periodic job with the chosen constraints."""
    app = sim.App("news", target_sdk=34, bucket="working_set", work=(refresh_job(constraints, interval_min),))
    return sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=DAY_S)


REFRESH_ROWS = ("Screen on", "Charging", "On Wi-Fi", "On cellular", "Doze: deep idle", "Doze: window")
REFRESH_METRICS = ("job_runs", "metered_mb", "work_latency_p50_s", "battery_drained_mah",
                   "janky_frames_from_background")


def refresh_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=REFRESH_ROWS, battery=False, metrics=REFRESH_METRICS)

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return kit.ab_view(runs, a, b, label_a, label_b, rows=REFRESH_ROWS, metrics=REFRESH_METRICS)

    return Lab(
        refresh_scenario,
        [
            Control("constraints", "Run only when", "choice", "both",
                    options=list(CONSTRAINT_LABELS.items()), help="The job's constraints"),
            Control("interval_min", "Refresh every", "choice", 60,
                    options=[(m, f"{m} min") for m in (15, 60, 240)], help="The job's period"),
        ],
        figure,
        compare=compare,
        baseline={"constraints": "none", "interval_min": 60},
        baseline_label="no constraints",
    )


# -- 2. many apps: immediate work against jobs -----------------------------------------------------------------


def fleet_scenario(apps: int, mechanism: str) -> sim.Scenario:
    """`apps` apps, each refreshing 100 KB every 15 minutes on a weekday, right away or as a periodic job."""
    def work() -> Any:
        if mechanism == "immediate":
            return sim.ImmediateWork(every_s=15 * 60.0, cpu_s=1.0, down_bytes=100_000)
        return sim.Job(every_s=15 * 60.0, cpu_s=1.0, down_bytes=100_000)

    fleet = tuple(sim.App(f"app{i + 1}", target_sdk=34, bucket="active", work=(work(),)) for i in range(apps))
    return sim.Scenario(day=sim.Day.preset("weekday"), apps=fleet, duration_s=DAY_S)


FLEET_ROWS = ("Screen on", "On cellular", "Doze: window", "Cell radio: transfer", "Cell radio: tail",
              "Wi-Fi radio: transfer", "CPU awake")
FLEET_METRICS = ("wakeups", "cell_radio_active_s", "radio_tail_energy_share", "battery_drained_mah",
                 "work_latency_p50_s")


def fleet_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=FLEET_ROWS, apps=(), battery=False, metrics=FLEET_METRICS)

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return kit.ab_view(runs, a, b, label_a, label_b, rows=FLEET_ROWS, apps=(), metrics=FLEET_METRICS,
                           energy_parts=("Cell radio: promotion", "Cell radio: tail", "CPU wakeups",
                                         "CPU awake, idle"))

    return Lab(
        fleet_scenario,
        [
            Control("apps", "Apps", "range", 8, min=2, max=16, step=2, help="How many apps refresh"),
            Control("mechanism", "Each refresh runs", "choice", "job",
                    options=[("immediate", "right away (wakelock)"), ("job", "as a periodic job")]),
        ],
        figure,
        compare=compare,
        baseline={"apps": 8, "mechanism": "immediate"},
        baseline_label="right away",
    )


# -- 3. the photo album -----------------------------------------------------------------------------------------

#: The user takes photos at lunch (12:30, while another app is on screen); the album app compresses four of them,
#: one per core, 90 s of CPU each (ASSUMPTION: a burst of full-size photos; the numbers only set the scale).
PHOTOS = 4
PHOTO_CPU_S = 90.0
PHOTOS_TAKEN_S = 12.5 * H + 60.0


def album_scenario(when: str) -> sim.Scenario:
    if when == "now":
        work: tuple[Any, ...] = tuple(sim.ImmediateWork(every_s=DAY_S, first_s=PHOTOS_TAKEN_S, cpu_s=PHOTO_CPU_S)
                                      for _ in range(PHOTOS))
    else:
        work = tuple(album_job(requires_device_idle=True, requires_charging=True) for _ in range(PHOTOS))
    app = sim.App("album", target_sdk=34, bucket="active", work=work)
    return sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=DAY_S)


def album_job(**constraints: Any) -> sim.Job:
    """One photo's compression as a one-off job, scheduled when the photo is taken."""
    return sim.Job(at_s=PHOTOS_TAKEN_S, cpu_s=PHOTO_CPU_S, **constraints)


ALBUM_ROWS = ("Screen on", "Charging", "CPU awake")
ALBUM_METRICS = ("janky_frames_from_background", "work_latency_p50_s", "battery_drained_mah")


def album_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=ALBUM_ROWS, window_h=(12.0, 24.0), battery=False,
                                metrics=ALBUM_METRICS)

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return kit.ab_view(runs, a, b, label_a, label_b, rows=ALBUM_ROWS, window_h=(12.0, 24.0),
                           metrics=ALBUM_METRICS)

    return Lab(
        album_scenario,
        [Control("when", "Compress the photos", "choice", "job",
                 options=[("now", "right away"), ("job", "as a job: device idle and charging")])],
        figure,
        compare=compare,
        baseline={"when": "now"},
        baseline_label="right away",
    )


# -- the night on the desk ----------------------------------------------------------------------------------------


def desk_scenario() -> sim.Scenario:
    """The desk overnight, 14 hours from bedtime, with three apps whose periodic jobs want every 15, 30, 60 min."""
    apps = tuple(
        sim.App(name, target_sdk=34, bucket="active",
                work=(sim.Job(every_s=minutes * 60.0, cpu_s=2.0, down_bytes=200_000),))
        for name, minutes in (("mail", 15), ("news", 30), ("weather", 60))
    )
    return sim.Scenario(day=sim.Day.preset("desk_overnight"), apps=apps, duration_s=14 * H)


def windows_table(result: sim.Result) -> list[dict[str, Any]]:
    """Each Doze maintenance window (or a time the phone was awake) and the jobs that ran in it."""
    spans = [s for s in result.lane("doze") if s.value in ("light_maintenance", "deep_maintenance", "active")]
    rows = []
    for span in spans:
        ran = [w for w in result.work if span.start_s <= w.start_s < span.end_s]
        if not ran:
            continue
        rows.append({
            "window opens": clock(span.start_s),
            "kind": {"light_maintenance": "light Doze window", "deep_maintenance": "deep Doze window",
                     "active": "phone awake"}[span.value],
            "jobs run": ", ".join(sorted({w.app for w in ran})),
            "runs": len(ran),
            "longest wait (min)": round(max(w.start_s - w.requested_s for w in ran) / 60),
        })
    return rows


def deep_window_runs(result: sim.Result) -> dict[str, int]:
    """In the deep-Doze windows: how many windows ran jobs, the most runs of one app in one window, and the most
    periods one run had waited through (its wait over its app's period)."""
    periods = {app.name: float(app.work[0].every_s) for app in result.scenario.apps}  # type: ignore[attr-defined]
    windows = [s for s in result.lane("doze") if s.value == "deep_maintenance"]
    most_per_app = 0
    most_missed = 0
    used = 0
    for span in windows:
        ran = [w for w in result.work if span.start_s <= w.start_s < span.end_s]
        if not ran:
            continue
        used += 1
        for app in {w.app for w in ran}:
            most_per_app = max(most_per_app, sum(1 for w in ran if w.app == app))
        most_missed = max(most_missed, *(int((w.start_s - w.requested_s) // periods[w.app]) for w in ran))
    return {"windows": used, "most_per_app": most_per_app, "most_missed": most_missed}


def clock(t_s: float) -> str:
    """Hours into the scenario as h:mm."""
    return f"{int(t_s // 3600)}:{int(t_s % 3600 // 60):02d}"


# -- exercises ----------------------------------------------------------------------------------------------------


def _job(answer: Any) -> sim.Job:
    require(answer, sim.Job, "a sim.Job, e.g. sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000)")
    return answer  # type: ignore[no-any-return]


def _judge_unmetered(answer: Any) -> Verdict:
    job = _job(answer)
    app = sim.App("news", target_sdk=34, bucket="working_set", work=(job,))
    result = sim.run(sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=DAY_S), seed=0)
    metered, runs = result.summary["metered_mb"], int(result.summary["job_runs"])
    moved = sum(w.down_bytes + w.up_bytes for w in result.work)
    if moved == 0:
        return Verdict(False, "your job moves no data; the refresh downloads 2 MB (down_bytes=2_000_000).")
    if metered > 0:
        return Verdict(False, f"the job ran {runs} times and used {metered:.1f} MB of metered data: on the commute "
                              "the phone is on cellular. Which network constraint keeps it off cellular?")
    if runs < 12:
        return Verdict(False, f"no metered data, but only {runs} refreshes; the news must be fresher "
                              "(at least 12 a day). Ask for a shorter period, or fewer constraints.")
    return Verdict(True, f"{runs} refreshes, {moved / 1e6:.0f} MB downloaded, none of it metered.")


def _judge_album(answer: Any) -> Verdict:
    job = _job(answer)
    if job.cpu_s != PHOTO_CPU_S or job.at_s != PHOTOS_TAKEN_S:
        return Verdict(False, "keep the work as it is (use album_job(...), which sets the photo's CPU time and "
                              "when it was taken) and change only the constraints.")
    app = sim.App("album", target_sdk=34, bucket="active", work=(job,) * PHOTOS)
    result = sim.run(sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=DAY_S), seed=0)
    jank = result.summary["janky_frames_from_background"]
    done = [w for w in result.work if w.end_s > w.start_s]
    if len(done) < PHOTOS or result.summary["job_pending_at_end"] > 0:
        return Verdict(False, f"only {len(done)} of {PHOTOS} photos were compressed by midnight: the constraints "
                              "never all held. Which moments of the weekday have the phone idle?")
    if jank >= 1:
        return Verdict(False, f"the compression caused {jank:.0f} janky frames in the app the user was using. "
                              "Which constraint keeps a job away from the moments the screen is on?")
    finished = max(w.end_s for w in done)
    return Verdict(True, f"no janky frames, and all {PHOTOS} photos compressed by {clock(finished)}.")


def backoff_truth() -> float:
    """Seconds from the first attempt's start to the successful attempt's start, as the simulator runs it."""
    awake = sim.Day(screen=(sim.Session(0, 2 * H, "browser"),), charging=(sim.Period(0, 2 * H),))
    app = sim.App("sync", target_sdk=34, bucket="active",
                  work=(sim.Job(at_s=60.0, cpu_s=1.0, down_bytes=10_000, fails=3),))
    result = sim.run(sim.Scenario(day=awake, apps=(app,), duration_s=2 * H), seed=0)
    starts = [w.start_s for w in result.work]
    return starts[-1] - starts[0]


def _judge_backoff(answer: Any) -> Verdict:
    require(answer, (int, float), "a number of seconds, like 125")
    truth = backoff_truth()
    if abs(answer - truth) <= 5:
        return Verdict(True, f"the simulator's job succeeds {truth:.0f} s after its first attempt: 30 + 60 + 120 s "
                             "of backoff, plus about a second for each failed run.")
    if abs(answer - (30 + 60 + 120 + 240)) <= 5:
        return Verdict(False, "that counts four waits; the job fails three times, so it waits three times.")
    return Verdict(False, f"{answer} s is not it. Exponential backoff waits 30 s after the first failure and doubles "
                          "each time; the job fails three times.")


def _period_truth() -> int:
    awake = sim.Day(screen=(sim.Session(0, 2 * H, "browser"),), charging=(sim.Period(0, 2 * H),))
    app = sim.App("feed", target_sdk=34, bucket="active", work=(sim.Job(every_s=5 * 60.0, cpu_s=1.0),))
    result = sim.run(sim.Scenario(day=awake, apps=(app,), duration_s=2 * H), seed=0)
    return int(result.summary["job_runs"])


def _judge_period(answer: Any) -> Verdict:
    require(answer, int, "a whole number of runs, like 10")
    truth = _period_truth()
    if answer == truth:
        return Verdict(True, f"{truth} runs: Android 7.0 and later raise a 5-minute period to 15 minutes "
                             "(JobInfo.MIN_PERIOD_MILLIS), so the job runs once per 15 minutes.")
    if answer == 24:
        return Verdict(False, "24 is what the app asked for. What does Android do to a period under 15 minutes?")
    return Verdict(False, f"{answer} is not it: the phone is awake and charging, so nothing else holds the job "
                          "back. Look at the note the simulator adds about the period.")


EXERCISES = {
    "unmetered": Exercise("unmetered", "a sim.Job", _judge_unmetered),
    "album": Exercise("album", "a job made with album_job(...)", _judge_album),
    "backoff": Exercise("backoff", "a number of seconds", _judge_backoff),
    "period": Exercise("period", "a whole number of runs", _judge_period),
}


def check(name: str, answer: Any) -> Verdict:
    """Judge ``answer`` to the exercise ``name`` of this chapter."""
    if name not in EXERCISES:
        raise ValueError(f"exercise {name!r}: allowed {', '.join(EXERCISES)}")
    return EXERCISES[name].check(answer)
