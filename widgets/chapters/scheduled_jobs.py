"""The chapter "Scheduled jobs": its scenarios, its labs and the checkers of its exercises."""

from __future__ import annotations

from typing import Any

import sim
from widgets import kit
from widgets.controls import Control
from widgets.exercises import Exercise, Exercises, Verdict, require
from widgets.lab import Lab, Runs
from widgets.predict import Prediction, nearest

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


#: The standby buckets a reader may put the news app in (API 28+; android-facts §2).
BUCKET_LABELS = {
    "active": "active (in use right now)",
    "working_set": "working set (used most days)",
    "frequent": "frequent",
    "rare": "rare",
}


def refresh_scenario(constraints: str, interval_min: int, bucket: str = "working_set") -> sim.Scenario:
    """A weekday with one news app whose cache refresh is a periodic job with the chosen constraints, its app in
    the chosen standby bucket."""
    app = sim.App("news", target_sdk=34, bucket=bucket, work=(refresh_job(constraints, interval_min),))
    return sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=DAY_S)


REFRESH_ROWS = ("Screen on", "Charging", "On Wi-Fi", "On cellular", "Doze: deep idle", "Doze: window")
REFRESH_METRICS = ("job_runs", "metered_mb", "work_latency_p50_s", "oldest_data_min", "battery_drained_mah",
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
            Control("bucket", "App's standby bucket", "choice", "working_set",
                    options=list(BUCKET_LABELS.items()), help="How recently the user used the app (Android 9+)"),
        ],
        figure,
        compare=compare,
        baseline={"constraints": "none", "interval_min": 60, "bucket": "working_set"},
        baseline_label="no constraints",
    )


def refresh_facts(lab: Lab) -> dict[str, Any]:
    """The numbers the prose under the refresh lab quotes, each from the lab's own runs."""
    def run(**values: Any) -> sim.Result:
        return lab.run(**{"constraints": "none", "interval_min": 60, "bucket": "working_set", **values})

    unmetered, idle = run(constraints="unmetered"), run(constraints="idle")
    every_15, every_60, rare = run(interval_min=15), run(), run(bucket="rare")
    idle_hours = sorted(w.start_s / H for w in idle.work)
    return {
        "unmetered_runs": int(unmetered.summary["job_runs"]),
        "unmetered_metered_mb": unmetered.summary["metered_mb"],
        "idle_runs": int(idle.summary["job_runs"]),
        "idle_at_night": sum(1 for h in idle_hours if h < 7),
        "idle_at_office": sum(1 for h in idle_hours if 9 <= h < 17),
        "runs_15": int(every_15.summary["job_runs"]),
        "runs_60": int(every_60.summary["job_runs"]),
        "rare_runs": int(rare.summary["job_runs"]),
        "rare_daytime": (daytime := sum(1 for w in rare.work if 8 * H <= w.start_s < 19 * H)),
        "rare_daytime_words": "not once" if daytime == 0 else f"{daytime} times",
        "rare_sessions": sim.quota_for("rare", charging=False).max_sessions,  # type: ignore[union-attr]
    }


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
FLEET_METRICS = ("work_runs", "wakeups", "cell_radio_active_s", "cell_radio_s_per_run", "radio_promotions",
                 "battery_drained_mah", "work_latency_p50_s")


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
                    options=[("immediate", "right away (own timer + wakelock)"), ("job", "as a periodic job")]),
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


def unmetered_charging_from(result: sim.Result) -> float | None:
    """The first moment of the run when the phone is both on the charger and on an unmetered network."""
    plugged = [(s.start_s, s.end_s) for s in result.lane("charging") if s.value == "plugged"]
    wifi = [(s.start_s, s.end_s) for s in result.lane("network") if s.value == "wifi"]
    starts = [max(c0, w0) for c0, c1 in plugged for w0, w1 in wifi if max(c0, w0) < min(c1, w1)]
    return min(starts) if starts else None


def refresh_prediction(careful: sim.Result, free: sim.Result, active: sim.Result) -> Prediction:
    """Predict-then-reveal for the job that waits for Wi-Fi and the charger (``careful``), told from its run, the
    same job without constraints (``free``) and the careful job of an app in the active bucket (``active``)."""
    runs, first = int(careful.summary["job_runs"]), min(w.start_s for w in careful.work)
    ready = unmetered_charging_from(careful)
    held_min = (first - ready) / 60 if ready is not None else float("nan")
    active_first = min(w.start_s for w in active.work)
    options = ["about 24 times, spread through the day", "a handful of times, all in the evening",
               "not at all: the two conditions never hold together"]
    correct = 2 if runs == 0 else (1 if first >= 17 * H and runs <= 8 else 0)
    reveal = (
        f"It refreshes **{runs} times**, first at **{clock(first)}**. All day one of the two conditions was missing; "
        f"from {clock(ready or 0)} the phone is on the charger at home, on Wi-Fi. The last {held_min:.0f} minutes "
        "are not the conditions but Android 12's batching: the jobs of an app outside the *active* standby bucket "
        "(the news app is in *working set*) wait until five jobs are ready or 31 minutes have passed, so that they "
        f"run together. Put the app in the active bucket and the first run comes at {clock(active_first)}. "
        f"The same job with no constraints runs {int(free.summary['job_runs'])} times and spends "
        f"{free.summary['metered_mb']:.1f} MB of metered data on the commute."
    )
    return Prediction("The job asks for an unmetered network *and* a charger, once an hour, on the weekday. How "
                      "often does it refresh, and when?", options, correct, reveal)


def fleet_prediction(now: sim.Result, job: sim.Result) -> Prediction:
    """Predict-then-reveal for eight apps' refreshes right away against as jobs, told from the two runs."""
    s_now, s_job = now.summary, job.summary
    ratio = s_job["cell_radio_active_s"] / s_now["cell_radio_active_s"]
    options = ["about the same", "about half", "about a fifth"]
    per_now = s_now["cell_radio_active_s"] / s_now["work_runs"]
    per_job = s_job["cell_radio_active_s"] / s_job["work_runs"]
    reveal = (
        f"**{options[nearest(ratio, [1.0, 0.5, 0.2])].capitalize()}**: {s_job['cell_radio_active_s']:,.0f} seconds "
        f"instead of {s_now['cell_radio_active_s']:,.0f} ({ratio:.0%}). Right away, the apps wake the phone on their "
        f"own timers and each pays its own radio promotion and tail ({s_now['radio_promotions']:.0f} promotions); "
        "as jobs, they start together at the next wakeup and share them "
        f"({s_job['radio_promotions']:.0f} promotions). Wakeups fall from {s_now['wakeups']:.0f} to "
        f"{s_job['wakeups']:.0f}. The two did not do the same amount of work: right away made "
        f"{s_now['work_runs']:.0f} refreshes, the jobs {s_job['work_runs']:.0f} (a periodic job runs at most once "
        "per period, and Doze merges the night's). Per refresh the radio was on "
        f"{per_now:.2f} s right away and {per_job:.2f} s as a job."
    )
    return Prediction("Eight apps each refresh 100 KB every 15 minutes. Scheduled as jobs rather than right away, "
                      "how much time does the cellular radio spend switched on over the day?",
                      options, nearest(ratio, [1.0, 0.5, 0.2]), reveal)


def clock(t_s: float) -> str:
    """Hours into the scenario as h:mm."""
    return f"{int(t_s // 3600)}:{int(t_s % 3600 // 60):02d}"


# -- exercises ----------------------------------------------------------------------------------------------------


def _job(answer: Any) -> sim.Job:
    return require(answer, sim.Job, "a sim.Job, e.g. sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000)")


def _news_day(job: sim.Job) -> sim.Result:
    app = sim.App("news", target_sdk=34, bucket="working_set", work=(job,))
    return sim.run(sim.Scenario(day=sim.Day.preset("weekday"), apps=(app,), duration_s=DAY_S), seed=0)


def _judge_unmetered(answer: Any) -> Verdict:
    result = _news_day(_job(answer))
    metered, runs = result.summary["metered_mb"], int(result.summary["job_runs"])
    moved = sum(w.down_bytes + w.up_bytes for w in result.work)
    if moved == 0:
        return Verdict(False, "your job moves no data; the refresh downloads 2 MB (down_bytes=2_000_000).")
    if metered > 0:
        return Verdict(False, f"the job ran {runs} times and used {metered:.1f} MB of metered data. Look at the "
                              "refresh lab's timeline: which network is the phone on during the commute?")
    if runs < 12:
        return Verdict(False, f"no metered data, but only {runs} refreshes; the news must be fresher "
                              "(at least 12 a day). Which of your constraints holds only a few hours a day?")
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
    if finished > ALBUM_BY_S:
        return Verdict(False, f"no janky frames, but the last photo was done at {clock(finished)}, after the user "
                              "left the office. Which of your constraints holds only in the evening?")
    return Verdict(True, f"no janky frames, and all {PHOTOS} photos compressed by {clock(finished)}.")


#: The album exercise's deadline: the photos are compressed before the user leaves the office (17:30).
ALBUM_BY_S = 17.5 * H


#: The office-hours exercise: the news is at most this old from 9:00 to 17:00, with at most this many refreshes.
OFFICE_H = (9.0, 17.0)
OFFICE_MAX_AGE_H = 2.0
OFFICE_MAX_RUNS = 16


def staleness_h(result: sim.Result, window_h: tuple[float, float] = OFFICE_H) -> tuple[float, float]:
    """The oldest the app's data gets inside ``window_h`` (hours since its last finished refresh, checked every
    minute) and the hour at which it is that old; infinite if nothing had been fetched yet."""
    ends = sorted(w.end_s for w in result.work if w.end_s > w.start_s)
    worst, at = 0.0, window_h[0]
    for minute in range(int(window_h[0] * 60), int(window_h[1] * 60) + 1):
        t = minute * 60.0
        before = [e for e in ends if e <= t]
        age = (t - before[-1]) / H if before else float("inf")
        if age > worst:
            worst, at = age, t / H
    return worst, at


def _judge_office(answer: Any) -> Verdict:
    job = _job(answer)
    if job.cpu_s != REFRESH_CPU_S or job.down_bytes != REFRESH_BYTES or job.every_s is None:
        return Verdict(False, "keep the refresh's work (cpu_s=3, down_bytes=2_000_000) and make it periodic "
                              "(every_s=...); choose only its period and constraints.")
    result = _news_day(job)
    runs, metered = int(result.summary["job_runs"]), result.summary["metered_mb"]
    age, at = staleness_h(result)
    if metered > 0:
        return Verdict(False, f"{metered:.1f} MB of the refreshes went over cellular. Which network is the phone "
                              "on during the commute (the refresh lab's timeline)?")
    if age > OFFICE_MAX_AGE_H:
        when = "before the first refresh of the day" if age == float("inf") else f"at {clock(at * H)}"
        return Verdict(False, f"the news was {age:.1f} h old {when}, during office hours. Look at the refresh "
                              "lab's timeline around that time: what kept the job from running?")
    if runs > OFFICE_MAX_RUNS:
        return Verdict(False, f"fresh enough and no metered data, but {runs} refreshes: more than "
                              f"{OFFICE_MAX_RUNS}. The phone holds some of them back anyway; how far can the "
                              "period grow before the news gets too old?")
    return Verdict(True, f"{runs} refreshes, none over cellular, and the news was never more than {age:.1f} h old "
                         f"during office hours (oldest at {clock(at * H)}).")


EXERCISES = Exercises(globals(), [
    Exercise(
        "unmetered", "a sim.Job", _judge_unmetered,
        solution='sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000,\n'
                 '                 network="unmetered")',
        explain="Ask for an unmetered network and nothing more: the phone is on Wi-Fi most of the day, and the job "
                "waits out the commute. Adding `requires_charging=True` also avoids metered data, but leaves only "
                "the evening on the charger: too few refreshes.",
        wrong=("sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000)",
               'sim.Job(every_s=3600, cpu_s=3, down_bytes=2_000_000, network="unmetered", requires_charging=True)'),
    ),
    Exercise(
        "album", "a job made with album_job(...)", _judge_album,
        solution="album_job(requires_device_idle=True)",
        explain="The device-idle constraint holds only after the screen has been off for a while, so the job cannot "
                "run while someone is using the phone; on this weekday the phone lies still on the office desk "
                "after lunch, and the photos are done early in the afternoon. The guide's pair, idle and charging, "
                "keeps the battery out of it too, but waits for the evening charger: too late for this deadline. "
                "With no constraint the job runs at once, beside the app on screen.",
        wrong=("album_job()", 'album_job(network="unmetered")',
               "album_job(requires_device_idle=True, requires_charging=True)", "album_job(requires_charging=True)"),
    ),
    Exercise(
        "office", "a sim.Job", _judge_office,
        solution='sim.Job(every_s=80 * 60, cpu_s=3, down_bytes=2_000_000,\n'
                 '                 network="unmetered")',
        explain="Two forces pull the period apart. Shorter periods buy little freshness, because the phone holds the "
                "job back anyway (on the commute it waits for Wi-Fi, on the office desk for Doze's maintenance "
                "windows), yet every run costs a wakeup and a radio tail. The oldest the news gets is set by the "
                "morning: the last refresh before the commute, the next one once the phone is settled at the office. "
                "Periods of 80 to 100 minutes with an unmetered network pass, except 90, whose runs happen to fall "
                "late in the morning; from about 105 minutes a gap of more than two hours opens. A 15-minute "
                "period runs about twice as often for the same worst age.",
        wrong=('sim.Job(every_s=15 * 60, cpu_s=3, down_bytes=2_000_000, network="unmetered")',
               'sim.Job(every_s=3 * 3600, cpu_s=3, down_bytes=2_000_000, network="unmetered")',
               "sim.Job(every_s=80 * 60, cpu_s=3, down_bytes=2_000_000)"),
    ),
])
check, solution = EXERCISES.check, EXERCISES.solution
