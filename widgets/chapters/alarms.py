"""The chapter "Alarms": its scenarios, its labs and the checkers of its exercises."""

from __future__ import annotations

from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (live labs): the charts were drawn at build time
    from widgets._absent import altair as alt

import sim
from widgets import kit
from widgets.controls import Control
from widgets.exercises import Exercise, Exercises, Verdict, require
from widgets.lab import Lab, Runs
from widgets.predict import Prediction, nearest

H = 3600.0
M = 60.0
DAY_S = 24 * H

#: The night scenes start at bedtime, 23:00 (t=0), so that a reader reads clock times.
BEDTIME_H = 23


def clock(t_s: float, start_h: float = BEDTIME_H) -> str:
    """Seconds into a scenario that starts at ``start_h`` o'clock, as the wall clock's h:mm."""
    minutes = round(t_s / 60.0) + int(start_h * 60)
    return f"{minutes // 60 % 24}:{minutes % 60:02d}"


# -- 1. a reminder at 7:55 after a night on the desk ---------------------------------------------------------------

#: The user sleeps in: the phone lies on the desk, screen off, unplugged, still, from 23:00 until they pick it up at
#: 9:00 (an ASSUMPTION of the scene: nothing else wakes the phone, so Doze alone decides).
PICKED_UP_S = 10 * H
REMINDER_S = 8 * H + 55 * M  # 7:55
#: The reminder's receiver posts a notification: half a second of CPU, no network (ASSUMPTION).
REMINDER_CPU_S = 0.5


def night_day() -> sim.Day:
    """The desk overnight: t=0 is 23:00; the user picks the phone up at 9:00 for ten minutes."""
    return sim.Day(screen=(sim.Session(PICKED_UP_S, PICKED_UP_S + 10 * M, "browser"),), name="desk night")


REMINDER_WAYS: dict[str, str] = {
    "set": "set() (inexact)",
    "set_exact": "setExact()",
    "set_and_allow_while_idle": "setAndAllowWhileIdle()",
    "set_exact_and_allow_while_idle": "setExactAndAllowWhileIdle()",
    "set_alarm_clock": "setAlarmClock()",
    "job": "a one-off job (WorkManager)",
}


def reminder_work(way: str) -> Any:
    """The calendar app's reminder for 7:55, made at 23:00 (a calendar app may declare USE_EXACT_ALARM)."""
    if way == "job":
        return sim.Job(at_s=REMINDER_S, cpu_s=REMINDER_CPU_S)
    return sim.Alarm(call=way, at_s=REMINDER_S, cpu_s=REMINDER_CPU_S, permission="use_exact_alarm")


def reminder_scenario(way: str, api: int = 34) -> sim.Scenario:
    app = sim.App("calendar", target_sdk=34, bucket="active", work=(reminder_work(way),))
    return sim.Scenario(device=sim.Device(api_level=api), day=night_day(), apps=(app,), duration_s=11 * H)


REMINDER_ROWS = ("Screen on", "Doze: light idle", "Doze: deep idle", "Doze: window", "CPU awake")
REMINDER_METRICS = ("work_latency_p50_s", "wakeups", "battery_drained_mah")


def reminder_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=REMINDER_ROWS, battery=False, metrics=REMINDER_METRICS)

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return kit.ab_view(runs, a, b, label_a, label_b, rows=REMINDER_ROWS, metrics=REMINDER_METRICS)

    return Lab(
        reminder_scenario,
        [Control("way", "The reminder uses", "choice", "set_exact_and_allow_while_idle",
                 options=list(REMINDER_WAYS.items()), help="The AlarmManager call (or a job) for 7:55"),
         Control("api", "Android", "choice", 34, options=[(30, "11 (API 30)"), (34, "14 (API 34)")],
                 help="The phone's Android version")],
        figure,
        compare=compare,
        baseline={"way": "set_exact", "api": 34},
        baseline_label="setExact()",
    )


def reminder_table(api: int = 34) -> list[dict[str, Any]]:
    """For each way of setting the reminder: when it fired, how late, and the phone's wakeups over the night."""
    rows = []
    for way, label in REMINDER_WAYS.items():
        r = sim.run(reminder_scenario(way, api), seed=0)
        old = sim.run(reminder_scenario(way, 30), seed=0)
        rows.append({
            "the reminder uses": label,
            "fires at": fired_at(r),
            "late (min)": round((r.work[0].start_s - REMINDER_S) / 60),
            "wakeups all night": int(r.summary["wakeups"]),
            "on Android 11, fires at": fired_at(old),
        })
    return rows


def fired_at(result: sim.Result) -> str:
    """When the scenario's first piece of work (the reminder) ran, on the wall clock."""
    return clock(result.work[0].start_s) if result.work else "never"


# -- 2. a sync every 15 minutes --------------------------------------------------------------------------------------

#: Each app's sync: 1 s of CPU and 100 KB down (ASSUMPTION: a small delta sync, as in "Scheduled jobs").
SYNC_CPU_S = 1.0
SYNC_BYTES = 100_000
SYNC_EVERY_S = 15 * M

SYNC_WAYS: dict[str, str] = {
    "set_repeating": "setRepeating()",
    "set_inexact_repeating": "setInexactRepeating()",
    "job": "a periodic job",
}


def sync_work(way: str, offset_s: float = 0.0) -> Any:
    if way == "job":
        return sim.Job(every_s=SYNC_EVERY_S, cpu_s=SYNC_CPU_S, down_bytes=SYNC_BYTES)
    return sim.Alarm(call=way, at_s=SYNC_EVERY_S + offset_s, every_s=SYNC_EVERY_S, cpu_s=SYNC_CPU_S,
                     down_bytes=SYNC_BYTES)


def sync_scenario(way: str, apps: int, api: int = 34) -> sim.Scenario:
    """`apps` apps, each syncing every 15 minutes on a weekday (midnight to midnight). Each app set its first alarm
    at a different minute of the quarter hour (ASSUMPTION: apps installed at different times)."""
    fleet = tuple(
        sim.App(f"app{i + 1}", target_sdk=34, bucket="active",
                work=(sync_work(way, offset_s=i * SYNC_EVERY_S / max(apps, 1)),))
        for i in range(apps)
    )
    return sim.Scenario(device=sim.Device(api_level=api), day=sim.Day.preset("weekday"), apps=fleet,
                        duration_s=DAY_S)


def sync_lab_scenario(way: str, apps: int) -> sim.Scenario:
    """The sync lab's scenario: sync_scenario on Android 14 (a top-level function, so the browser can import it)."""
    return sync_scenario(way, apps)


def sync_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=SYNC_ROWS, apps=(), battery=False, metrics=SYNC_METRICS)

    def compare(runs: Runs, a: str | None, b: str | None, label_a: str, label_b: str) -> Any:
        return kit.ab_view(runs, a, b, label_a, label_b, rows=SYNC_ROWS, apps=(), metrics=SYNC_METRICS,
                           energy_parts=("Cell radio: promotion", "Cell radio: tail", "CPU wakeups",
                                         "CPU awake, idle"))

    return Lab(
        sync_lab_scenario,
        [
            Control("way", "Each app syncs with", "choice", "job", options=list(SYNC_WAYS.items())),
            Control("apps", "Apps", "choice", 4, options=[1, 4, 8], help="How many apps sync every 15 minutes"),
        ],
        figure,
        compare=compare,
        baseline={"way": "set_repeating", "apps": 4},
        baseline_label="setRepeating()",
    )


SYNC_ROWS = ("Screen on", "On cellular", "Doze: light idle", "Doze: deep idle", "Doze: window", "Cell radio: transfer",
             "Cell radio: tail", "CPU awake")
SYNC_METRICS = ("work_runs", "unmetered_mb", "metered_mb", "wakeups", "radio_promotions", "battery_drained_mah")


def sync_table(apps: int = 4) -> list[dict[str, Any]]:
    """For each way of syncing every 15 minutes, over the weekday: runs in the night (0:00-7:00) and in the day, the
    runs whose transfer found no network, wakeups and radio promotions."""
    rows = []
    for way, label in SYNC_WAYS.items():
        r = sim.run(sync_scenario(way, apps), seed=0)
        night = [w for w in r.work if w.start_s < 7 * H]
        rows.append({
            "each app syncs with": label,
            "runs asked for": int(apps * DAY_S // SYNC_EVERY_S),
            "runs, 0:00-7:00": len(night),
            "runs, 7:00-24:00": len(r.work) - len(night),
            "no network": int(r.summary.get("alarm_network_blocked", 0)),
            "wakeups": int(r.summary["wakeups"]),
            "radio promotions": int(r.summary["radio_promotions"]),
        })
    return rows


# -- 3. standby buckets and Android versions -----------------------------------------------------------------------

BUCKETS = ("active", "working_set", "frequent", "rare", "restricted")
BUCKET_LABELS = {"active": "active", "working_set": "working set", "frequent": "frequent", "rare": "rare",
                 "restricted": "restricted"}
VERSIONS = {28: "Android 9", 30: "Android 11", 34: "Android 14"}
#: The widget app's alarm: every 5 minutes, setRepeating (ASSUMPTION: a home-screen widget's ticker).
TICK_EVERY_S = 5 * M
BUCKET_RUN_S = 3 * H


def bucket_day() -> sim.Day:
    """Three hours of the user reading in another app, unplugged: no Doze, and the widget app is not in front."""
    return sim.Day(screen=(sim.Session(0, BUCKET_RUN_S, "reader"),), name="reading")


def bucket_scenario(bucket: str, api: int) -> sim.Scenario:
    app = sim.App("widget", target_sdk=30, bucket=bucket,
                  work=(sim.Alarm(call="set_repeating", at_s=TICK_EVERY_S, every_s=TICK_EVERY_S, cpu_s=0.5),))
    return sim.Scenario(device=sim.Device(api_level=api), day=bucket_day(), apps=(app,), duration_s=BUCKET_RUN_S)


def fires(result: sim.Result, app: str = "widget") -> int:
    return sum(1 for w in result.work if w.app == app)


#: How many times the widget's alarm asks to fire in the three hours (every 5 minutes from 0:05).
TICKS_ASKED = int(BUCKET_RUN_S // TICK_EVERY_S) - 1


def bucket_table() -> list[dict[str, Any]]:
    """Fires in three hours of the widget's 5-minute alarm, by standby bucket (rows) and Android version
    (columns)."""
    rows = []
    for bucket in BUCKETS:
        row: dict[str, Any] = {"bucket": BUCKET_LABELS[bucket]}
        for api, name in VERSIONS.items():
            row[name] = fires(sim.run(bucket_scenario(bucket, api), seed=0))
        rows.append(row)
    return rows


# -- 4. the exact-alarm permission ---------------------------------------------------------------------------------

#: The meeting scene: t=0 is 9:00, the user reads on the phone until 11:00; at 9:00 the app sets a reminder for the
#: 10:00 meeting.
MEETING_START_H = 9
MEETING_S = 1 * H
PERMISSION_LABELS = {
    "none": "declares neither permission",
    "schedule_exact_alarm": "declares SCHEDULE_EXACT_ALARM",
    "schedule_exact_alarm_granted": "SCHEDULE_EXACT_ALARM, allowed by the user",
    "use_exact_alarm": "declares USE_EXACT_ALARM",
}
PERMISSION_VERSIONS = {31: "Android 12", 33: "Android 13", 34: "Android 14"}


def meeting_day() -> sim.Day:
    return sim.Day(screen=(sim.Session(0, 2 * H, "reader"),), name="morning")


def meeting_alarm(call: str = "set_exact", permission: str = "schedule_exact_alarm", **kw: Any) -> sim.Alarm:
    """The meeting reminder for 10:00, set at 9:00: the receiver posts a notification."""
    return sim.Alarm(call=call, at_s=MEETING_S, cpu_s=REMINDER_CPU_S, permission=permission, **kw)


def meeting_run(alarm: sim.Alarm, api: int = 34, target: int = 33) -> sim.Result:
    app = sim.App("meetings", target_sdk=target, bucket="active", work=(alarm,))
    return sim.run(sim.Scenario(device=sim.Device(api_level=api), day=meeting_day(), apps=(app,),
                                duration_s=2 * H), seed=0)


def outcome(result: sim.Result, requested_s: float) -> str:
    """What the app sees: the exception its call threw, or when its receiver ran."""
    refused = [e for e in result.events if e.kind == "alarm_refused"]
    if refused:
        return refused[0].detail.split(":", 2)[1].strip()  # "SecurityException"
    starts = [w.start_s for w in result.work]
    if not starts:
        return "never fired"
    late = starts[0] - requested_s
    return "fires on time" if late < 1 else f"fires {late / 60:.0f} min late"


def permission_table(target: int = 33) -> list[dict[str, Any]]:
    """setExact() for 10:00 by an app targeting ``target``, for each permission state and Android version; and
    setWindow() with a 10-minute window, which needs no permission."""
    rows = []
    for permission, label in PERMISSION_LABELS.items():
        row: dict[str, Any] = {"the app calls setExact() and": label}
        for api, name in PERMISSION_VERSIONS.items():
            row[name] = outcome(meeting_run(meeting_alarm("set_exact", permission), api, target), MEETING_S)
        rows.append(row)
    row = {"the app calls setExact() and": "(calls setWindow(), 10-minute window, instead)"}
    for api, name in PERMISSION_VERSIONS.items():
        row[name] = outcome(meeting_run(meeting_alarm("set_window", "none", window_s=600), api, target), MEETING_S)
    rows.append(row)
    return rows


# -- predictions, told from the runs --------------------------------------------------------------------------------


def _doze_start(result: sim.Result, value: str, after_s: float = 0.0, before_s: float = float("inf")) -> float | None:
    starts = [s.start_s for s in result.lane("doze") if s.value == value and after_s <= s.start_s < before_s]
    return min(starts) if starts else None


def reminder_prediction(exact: sim.Result, awi: sim.Result) -> Prediction:
    """Predict-then-reveal for the setExact() reminder on the desk night (``exact``), with the
    setExactAndAllowWhileIdle() run (``awi``) for the contrast."""
    fired = exact.work[0].start_s
    late_min = (fired - REMINDER_S) / 60
    correct = 0 if late_min < 1 else (2 if fired >= PICKED_UP_S else 1)
    deep = _doze_start(exact, "deep_idle") or 0.0
    windows = [s.start_s for s in exact.lane("doze") if s.value == "deep_maintenance" and s.start_s < REMINDER_S]
    reveal = (
        f"At **{clock(fired)}**, {late_min:.0f} minutes late. The phone was in deep Doze from {clock(deep)}, and Doze "
        "holds every regular alarm, exact or not, until a maintenance window. The last window before the reminder "
        f"opened at {clock(max(windows)) if windows else 'none'}, and the next would have come hours later: the "
        "reminder waited for the user. Of the calls this lab offers, only `setExactAndAllowWhileIdle()` (here at "
        f"{clock(awi.work[0].start_s)}) and `setAlarmClock()` fire on time in deep Doze."
    )
    return Prediction("The alarm is exact: `setExact()`, of type `RTC_WAKEUP`, for 7:55. When does the reminder "
                      "appear?", ["at 7:55", "a few minutes after 7:55", "at 9:00, when the user picks the phone up"],
                      correct, reveal)


def sync_prediction(repeating: sim.Result, inexact: sim.Result, job: sim.Result) -> Prediction:
    """Predict-then-reveal for setRepeating() against setInexactRepeating(), told from the two runs (and the
    periodic job's run for the contrast)."""
    a, b = len(repeating.work), len(inexact.work)
    correct = 2 if a == b else (0 if a > b else 1)
    night = sum(1 for w in repeating.work if w.start_s < 7 * H)
    no_net = int(repeating.summary.get("alarm_network_blocked", 0))
    asked = int(len(repeating.scenario.apps) * DAY_S // SYNC_EVERY_S)
    job_night = sum(1 for w in job.work if w.start_s < 7 * H)
    reveal = (
        f"**{'Neither' if a == b else ('setRepeating()' if a > b else 'setInexactRepeating()')}**: "
        f"{a} runs against {b}. Since Android 4.4, `setRepeating()` is inexact too, with a window of 75 % of its "
        f"interval. Of the {asked} runs the apps asked for, {night} came between midnight and 7:00, and {no_net} of "
        "all the runs found no network: the alarm wakes the app in light Doze, which holds no alarm but blocks the "
        "network of apps not on its allowlist. The periodic job ran "
        f"{len(job.work)} times ({job_night} in the night), every time with the network, and woke the phone "
        f"{job.summary['wakeups']:.0f} times instead of {repeating.summary['wakeups']:.0f}."
    )
    return Prediction("`setRepeating()` sounds exact and `setInexactRepeating()` does not. Which of the two syncs "
                      "more often over the day?", ["`setRepeating()`", "`setInexactRepeating()`",
                                                   "neither: they run the same"], correct, reveal)


def bucket_prediction(rare14: sim.Result, rare9: sim.Result) -> Prediction:
    """Predict-then-reveal for the rare widget app's ticks on Android 14 (and 9 for the contrast)."""
    got, old = fires(rare14), fires(rare9)
    choices = [float(TICKS_ASKED), 12.0, 3.0]
    reveal = (f"**{got}** of its {TICKS_ASKED}: from Android 10 a *rare* app gets one alarm per rolling hour, "
              f"whatever it asks for. On Android 9 it got {old}: one, then the next only two hours later.")
    return Prediction(f"The user has not opened the widget's app for days, and Android has put it in the *rare* "
                      f"bucket. On Android 14, how many of its {TICKS_ASKED} ticks fire in the three hours?",
                      [f"all {TICKS_ASKED}", "about a dozen", "about 3"], nearest(float(got), choices), reveal)


def permission_prediction(result: sim.Result) -> Prediction:
    """Predict-then-reveal for the target-33 app's setExact() on Android 14 (``result``)."""
    refused = [e for e in result.events if e.kind == "alarm_refused"]
    if refused:
        correct = 2
        told = f"**It fails**: {refused[0].detail.split(': ', 1)[1].split(':')[0]}."
    else:
        late = result.work[0].start_s - MEETING_S
        correct = 0 if late < 1 else 1
        told = f"It fires, {late / 60:.0f} minutes after 10:00."
    reveal = (f"{told} Android 14 no longer grants `SCHEDULE_EXACT_ALARM` to a newly installed app that targets "
              "Android 13 or later; the user must allow it in Settings. An app that does not catch the exception "
              "crashes.")
    return Prediction("A user installs the app on a new phone with Android 14. What does its `setExact()` do?",
                      ["the reminder fires at 10:00, as on Android 12 and 13", "the reminder fires, but inexactly",
                       "the call fails"], correct, reveal)


# -- exercises ----------------------------------------------------------------------------------------------------

#: The medication reminder: 8:00 (9 h after bedtime), on time means within a minute after it.
MEDICATION_S = 9 * H
MEDICATION_SLACK_S = 60.0


def _alarm(answer: Any, example: str) -> sim.Alarm:
    return require(answer, sim.Alarm, f"a sim.Alarm, e.g. {example}")  # type: ignore[no-any-return]


def medication_run(alarm: sim.Alarm) -> sim.Result:
    """The medication app (target 34) on Android 14, its alarm set at 23:00, on the desk night."""
    app = sim.App("medication", target_sdk=34, bucket="active", work=(alarm,))
    return sim.run(sim.Scenario(device=sim.Device(api_level=34), day=night_day(), apps=(app,), duration_s=11 * H),
                   seed=0)


def _refusal(result: sim.Result) -> str:
    refused = [e for e in result.events if e.kind == "alarm_refused"]
    return refused[0].detail.split(": ", 1)[1] if refused else ""


def _judge_medication(answer: Any) -> Verdict:
    alarm = _alarm(answer, 'sim.Alarm(call="set", at_s=9 * 3600)')
    if alarm.permission == "use_exact_alarm":
        return Verdict(False, "USE_EXACT_ALARM is for apps whose core function is an alarm clock or a calendar "
                              "(Google Play's policy); a medication reminder may not declare it. Which permission "
                              "can it ask the user for?")
    if alarm.at_s != MEDICATION_S:
        return Verdict(False, f"the alarm is for {clock(alarm.at_s)}; the medication is due at 8:00, "
                              "9 hours after bedtime (at_s=9 * 3600).")
    result = medication_run(alarm)
    why = _refusal(result)
    if why:
        return Verdict(False, f"the call failed: {why}. Look at the permission table: what does Android 14 give an "
                              "app targeting 33+ by default?")
    starts = [w.start_s for w in result.work]
    if not starts:
        return Verdict(False, "the reminder never fired before 10:00. Look at the reminder lab's Doze rows.")
    late = starts[0] - MEDICATION_S
    if not 0 <= late <= MEDICATION_SLACK_S:
        return Verdict(False, f"the reminder fired at {clock(starts[0])}, {late / 60:.0f} min late. Look at the "
                              "reminder lab: which calls does deep Doze hold back, and which inexact ones still "
                              "fire at the end of their window?")
    best = int(medication_run(_MEDICATION_BEST).summary["wakeups"])
    woke = int(result.summary["wakeups"])
    if woke > best:
        exits = [e for e in result.events if e.kind == "alarm_idle_exit"]
        extra = f"; Doze left deep idle at {clock(exits[0].t_s)} for it" if exits else ""
        return Verdict(False, f"on time, but the phone woke {woke} times over the night, more than it has to"
                              f"{extra}. Compare the reminder lab's Doze rows for the calls that fire on time.")
    return Verdict(True, f"the reminder fired at {clock(starts[0])} in deep Doze, and the phone woke {woke} times "
                         "all night, no more than it must.")


_MEDICATION_BEST = sim.Alarm(call="set_exact_and_allow_while_idle", at_s=MEDICATION_S, cpu_s=REMINDER_CPU_S,
                             permission="schedule_exact_alarm_granted")


def _judge_meeting(answer: Any) -> Verdict:
    alarm = _alarm(answer, "meeting_alarm(call=...)")
    if alarm.permission in ("schedule_exact_alarm_granted", "use_exact_alarm"):
        return Verdict(False, "the user has not allowed exact alarms, and a note-taking app may not declare "
                              "USE_EXACT_ALARM: keep the permission as it is (meeting_alarm(...) keeps it).")
    if alarm.at_s != MEETING_S or alarm.set_at_s != 0:
        return Verdict(False, "keep the time: the reminder is for 10:00, set at 9:00 (use meeting_alarm(...)).")
    result = meeting_run(alarm)
    why = _refusal(result)
    if why:
        return Verdict(False, f"the call failed: {why}. Look at the permission table's row for an app that only "
                              "declares SCHEDULE_EXACT_ALARM.")
    starts = [w.start_s for w in result.work]
    late = starts[0] - MEETING_S if starts else float("inf")
    if late > 10 * M:
        return Verdict(False, f"the reminder fired {late / 60:.0f} min after 10:00. An inexact alarm may fire "
                              "anywhere in its window: how long a window does Android give this call?")
    return Verdict(True, f"no exception, and the reminder fired at {clock(starts[0], MEETING_START_H)}, "
                         f"{late / 60:.0f} min after 10:00 at most, with no permission at all.")


def night_sync_truth() -> int:
    """How many times a 15-minute setInexactRepeating alarm set at 23:00 runs its receiver on the desk night,
    before the user picks the phone up at 9:00 (Android 14)."""
    app = sim.App("sync", target_sdk=34, bucket="active", work=(sync_work("set_inexact_repeating"),))
    result = sim.run(sim.Scenario(device=sim.Device(api_level=34), day=night_day(), apps=(app,),
                                  duration_s=PICKED_UP_S), seed=0)
    return len(result.work)


def _judge_night(answer: Any) -> Verdict:
    require(answer, int, "a whole number of runs, like 12")
    truth = night_sync_truth()
    if answer == truth:
        return Verdict(True, f"{truth} runs: every 15 minutes while light Doze lasts, then one per deep Doze "
                             "maintenance window; a late repeating alarm does not catch up.")
    if answer == 40:
        return Verdict(False, "40 is what the app asked for (10 hours of 15 minutes). What does deep Doze do with "
                              "a regular alarm? Look at the reminder lab's Doze rows.")
    return Verdict(False, f"{answer} is not it. Count the first hour (light Doze, which holds no alarm) and then "
                          "the deep Doze maintenance windows in the reminder lab's timeline.")


EXERCISES = Exercises(globals(), [
    Exercise(
        "medication", "a sim.Alarm", _judge_medication,
        solution='sim.Alarm(call="set_exact_and_allow_while_idle", at_s=9 * 3600,\n'
                 '                   cpu_s=0.5, permission="schedule_exact_alarm_granted")',
        explain="Only two calls fire on time in deep Doze: `setAlarmClock()` and `setExactAndAllowWhileIdle()`. "
                "The alarm clock makes Doze leave deep idle a few minutes early and, since an alarm clock is then "
                "due within 30 minutes, start again from the beginning: about an hour of light Doze with a window "
                "every 5 to 15 minutes, each a wakeup. It also puts an alarm icon in the status bar, which suits an "
                "alarm clock, not a pill reminder. `setExactAndAllowWhileIdle()` fires alone, within its quota, "
                "and Doze goes on. Both are exact, so on Android 14 an app targeting 33+ must ask the user "
                "for `SCHEDULE_EXACT_ALARM` (`ACTION_REQUEST_SCHEDULE_EXACT_ALARM`) and check "
                "`canScheduleExactAlarms()`; `USE_EXACT_ALARM` is reserved for alarm clocks and calendars.",
        wrong=('sim.Alarm(call="set_exact_and_allow_while_idle", at_s=9 * 3600, cpu_s=0.5)',
               'sim.Alarm(call="set_alarm_clock", at_s=9 * 3600, cpu_s=0.5, '
               'permission="schedule_exact_alarm_granted")',
               'sim.Alarm(call="set_exact", at_s=9 * 3600, cpu_s=0.5, permission="schedule_exact_alarm_granted")',
               'sim.Alarm(call="set_and_allow_while_idle", at_s=9 * 3600, cpu_s=0.5)',
               'sim.Alarm(call="set_exact_and_allow_while_idle", at_s=9 * 3600, cpu_s=0.5, '
               'permission="use_exact_alarm")'),
    ),
    Exercise(
        "meeting", "a sim.Alarm made with meeting_alarm(...)", _judge_meeting,
        solution='meeting_alarm(call="set_window", window_s=600)',
        explain="Without the permission, no exact call is allowed, so the reminder must be inexact, with a window "
                "short enough. `set()` made an hour ahead gets a window of 75 % of that hour (45 minutes); "
                "`setWindow()` lets the app choose, down to Android 12's floor of 10 minutes for apps targeting "
                "31+. From Android 12 an alarm alone fires at the end of its window, so the reminder comes at "
                "10:10. Asking the user for the permission is the other way, if 10 minutes is too late.",
        wrong=("meeting_alarm()", 'meeting_alarm(call="set")', 'meeting_alarm(call="set_alarm_clock")'),
    ),
    Exercise(
        "night", "a whole number of runs", _judge_night,
        solution=str(night_sync_truth()),
        explain="For the first hour the phone is in light Doze, which holds no alarm: the alarm fires every 15 "
                "minutes, on one of Doze's own wakeups when one falls in its window. From about 0:04 the phone is in "
                "deep Doze: the alarm waits for the maintenance windows (1 h, then 2 h, then 4 h apart), fires once "
                "in each, and its next run is the next point of its 15-minute grid: the missed ones are dropped, "
                "not delivered in a burst.",
        wrong=("40", "0"),
    ),
])
check, solution = EXERCISES.check, EXERCISES.solution


def bucket_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return alt.vconcat(
            kit.timeline_chart(runs, where, rows=("Screen on", "CPU awake"),
                               title="The widget's alarm: when it ran and when it waited"),
            kit.metrics_table(runs, where, metrics=("alarm_fires", "work_latency_p95_s")),
        )

    return Lab(
        bucket_scenario,
        [Control("bucket", "Standby bucket", "choice", "frequent", options=list(BUCKET_LABELS.items())),
         Control("api", "Android", "choice", 34, options=list(VERSIONS.items()))],
        figure,
    )
