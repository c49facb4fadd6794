"""The chapter "Choosing the right tool": everyday tasks done four ways (a job, a service, a broadcast receiver, an
alarm) on the same day and seed, the figure that sets them side by side, and the checkers of its exercises."""

from __future__ import annotations

import dataclasses
from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (live labs): the charts were drawn at build time
    from widgets._absent import altair as alt

import sim
from widgets.chapters import alarms, services
from widgets.exercises import Exercise, Exercises, Verdict, require
from widgets.predict import Prediction
from widgets.theme import PALETTE

H = 3600.0
M = 60.0
DAY_S = 24 * H
MB = 1_000_000

TASKS: dict[str, str] = {
    "refresh": "Refresh the news every hour",
    "remind": "Remind the user at 7:55",
    "charger": "React to the charger",
    "upload": "Upload 50 MB of photos",
    "music": "Play an hour of music",
}
WAYS: dict[str, str] = {
    "job": "a scheduled job",
    "service": "a service",
    "receiver": "a broadcast receiver",
    "alarm": "an alarm",
}

#: The figure's column headings.
SHORT = {WAYS["job"]: "job", WAYS["service"]: "service", WAYS["receiver"]: "receiver", WAYS["alarm"]: "alarm"}

#: Where a tool cannot express the task at all: said, not simulated.
NOT_A_FIT: dict[tuple[str, str], str] = {
    ("remind", "receiver"): "no broadcast says it is 7:55 (ACTION_TIME_TICK reaches only receivers registered at "
                            "run time, in a running app)",
    ("upload", "alarm"): "an alarm only starts the app: its receiver must finish within the broadcast timeout "
                         "(10 s or 60 s, android-facts §6), so the upload would be handed to a foreground service "
                         "or a job (the other columns)",
    ("music", "receiver"): "a receiver runs for seconds; playback needs a service",
    ("music", "alarm"): "an alarm only starts the app at a time; playback needs a service",
}

# -- the tasks, each way (the weekday preset unless said; Android 14, apps targeting 34) --------------------------

#: The news refresh of the chapter "Scheduled jobs": 3 s of CPU and 2 MB (ASSUMPTION: a feed with thumbnails).
REFRESH_CPU_S, REFRESH_BYTES = 3.0, 2 * MB
#: The photos: 50 MB taken at lunch, the upload asked for at 12:50 (ASSUMPTION: scale only).
UPLOAD_BYTES, UPLOAD_AT_S = 50 * MB, 12 * H + 50 * M
#: The weekday's charger: plugged in at 19:00 (sim.Day.preset("weekday")).
PLUGGED_S = 19 * H
#: The reaction to the charger: 1 s of CPU (ASSUMPTION: start a backup, say).
CHARGER_CPU_S = 1.0
#: A service "meant to stay up all day" is started when the user opens the app at 7:40 (the weekday's news session).
SERVICE_AT_S = 7 * H + 45 * M


def _weekday(app: sim.App, day: sim.Day | None = None) -> sim.Scenario:
    return sim.Scenario(device=sim.Device(api_level=34), day=day or sim.Day.preset("weekday"), apps=(app,),
                        duration_s=DAY_S)


def late_charger_day() -> sim.Day:
    """The weekday, but the phone goes on the charger at 21:00 instead of 19:00: an answer must not pass by luck."""
    return dataclasses.replace(sim.Day.preset("weekday"), charging=(sim.Period(21 * H, 22 * H + 45 * M),))


def task_scenario(task: str, way: str) -> sim.Scenario | None:
    """The scenario of ``task`` done by ``way``, or None where the tool cannot express the task (NOT_A_FIT)."""
    if task not in TASKS:
        raise ValueError(f"task={task!r}: allowed {', '.join(TASKS)}")
    if way not in WAYS:
        raise ValueError(f"way={way!r}: allowed {', '.join(WAYS)}")
    if (task, way) in NOT_A_FIT:
        return None
    if task == "refresh":
        work: Any = {
            "job": sim.Job(every_s=H, cpu_s=REFRESH_CPU_S, down_bytes=REFRESH_BYTES, network="unmetered"),
            "service": sim.Service(mode="started", at_s=SERVICE_AT_S, from_="foreground", run_s=DAY_S - SERVICE_AT_S,
                                   cpu_share=0.01, down_bytes=REFRESH_BYTES),
            "receiver": sim.Receiver(actions=("connectivity_change",), registered="manifest", cpu_s=REFRESH_CPU_S,
                                     down_bytes=REFRESH_BYTES),
            "alarm": sim.Alarm(call="set_inexact_repeating", at_s=H, every_s=H, cpu_s=REFRESH_CPU_S,
                               down_bytes=REFRESH_BYTES),
        }[way]
        return _weekday(sim.App("news", target_sdk=34, bucket="working_set", work=(work,)))
    if task == "remind":
        if way == "service":  # a started service kept up from 23:00 to post the reminder itself
            service = sim.Service(mode="started", at_s=0.0, from_="foreground", run_s=alarms.REMINDER_S,
                                  cpu_share=0.01)
            app = sim.App("calendar", target_sdk=34, bucket="active", work=(service,))
            return sim.Scenario(device=sim.Device(api_level=34), day=alarms.night_day(), apps=(app,),
                                duration_s=11 * H)
        return alarms.reminder_scenario("job" if way == "job" else "set_exact_and_allow_while_idle")
    if task == "charger":
        work = {
            "job": sim.Job(at_s=0.0, cpu_s=CHARGER_CPU_S, requires_charging=True),
            "service": sim.Service(mode="started", at_s=SERVICE_AT_S, from_="foreground",
                                   run_s=DAY_S - SERVICE_AT_S, cpu_share=0.001),
            "receiver": sim.Receiver(actions=("power_connected",), registered="manifest", cpu_s=CHARGER_CPU_S),
            "alarm": sim.Alarm(call="set_inexact_repeating", at_s=15 * M, every_s=15 * M, cpu_s=CHARGER_CPU_S),
        }[way]
        return _weekday(sim.App("backup", target_sdk=34, bucket="working_set", work=(work,)))
    if task == "upload":
        work = {
            "job": sim.Job(at_s=UPLOAD_AT_S, cpu_s=5.0, up_bytes=UPLOAD_BYTES, network="unmetered",
                           requires_charging=True),
            "service": sim.Service(mode="foreground", fgs_type="dataSync", at_s=UPLOAD_AT_S, from_="foreground",
                                   run_s=10 * M, cpu_share=0.02, up_bytes=UPLOAD_BYTES),
            "receiver": sim.Receiver(actions=("connectivity_change",), registered="manifest", cpu_s=5.0,
                                     up_bytes=UPLOAD_BYTES),
        }[way]
        return _weekday(sim.App("album", target_sdk=34, bucket="working_set", work=(work,)))
    # music: the Services chapter's scene (play, leave after a minute, screen off), the service in the foreground
    return services.music_scenario({"job": "job", "service": "fgs"}[way], 34)


def _done(task: str, way: str, result: sim.Result, app: str) -> tuple[float, str]:
    """(a number, the words) for how much of the task got done."""
    moved = [w for w in result.work if w.app == app and w.end_s > w.start_s]
    if task == "remind" and way == "service":  # the service posts the reminder if it is still up at 7:55
        alive = any(s.start_s <= alarms.REMINDER_S <= s.end_s for s in result.lane("service", app))
        return (0.0, "on time") if alive else (float("inf"), "never reminded")
    if task == "refresh":  # (a service's transfer moves in pieces: count whole refreshes)
        n = int(sum(w.down_bytes for w in moved) // REFRESH_BYTES)
        return n, f"{n} refresh" if n == 1 else f"{n} refreshes"
    if task == "remind":
        fired = [w.start_s for w in moved]
        if not fired:
            return float("inf"), "never reminded"
        late = (min(fired) - alarms.REMINDER_S) / M
        return late, "on time" if late < 1 else f"{late:.0f} min late"
    if task == "charger":
        after = [w.start_s for w in moved if w.start_s >= PLUGGED_S]
        if not after:
            return float("inf"), "never reacted"
        late = (min(after) - PLUGGED_S) / M
        return late, f"after {late:.0f} min"
    if task == "upload":
        sent = sum(w.up_bytes for w in moved) / MB
        return sent, f"{sent:.0f} of 50 MB"
    played = services.music_played_min(result)
    return played, f"{played:.0f} of 60 min"


#: What Android refused or bent, by the simulator's event kinds.
_BENT = {
    "service_refused": "refused",
    "service_stop": "stopped",
    "alarm_refused": "refused",
    "alarm_deferred": "deferred",
    "broadcast_not_delivered": "not delivered",
    "broadcast_held": "held",
    "anr": "ANR",
    "crash": "crash",
    "job_stop": "stopped",
}


def bent(result: sim.Result, app: str) -> str:
    """What Android refused or bent for the app, counted by kind ("" if nothing)."""
    counts: dict[str, int] = {}
    for e in result.events:
        if e.app == app and e.kind in _BENT:
            counts[_BENT[e.kind]] = counts.get(_BENT[e.kind], 0) + 1
    return ", ".join(f"{what} ×{n}" if n > 1 else what for what, n in counts.items())


def task_rows() -> list[dict[str, Any]]:
    """For every task and way: what got done and what it cost (one row each), from the runs."""
    rows = []
    for task in TASKS:
        for way in WAYS:
            scenario = task_scenario(task, way)
            if scenario is None:
                rows.append({"task": TASKS[task], "way": WAYS[way], "fit": False, "done": NOT_A_FIT[(task, way)]})
                continue
            app = scenario.apps[0].name
            result = sim.run(scenario, seed=0)
            score, words = _done(task, way, result, app)
            s = result.summary
            # (playback as a job is given the hour as CPU work: its energy is not comparable, so not shown)
            mah = float("nan") if (task, way) == ("music", "job") else result.energy_by("app").get(app, 0.0)
            rows.append({
                "task": TASKS[task], "way": WAYS[way], "fit": True, "done": words, "score": score,
                "app_mah": mah, "wakeups": s["wakeups"],
                "radio_s": s["cell_radio_active_s"], "metered_mb": s["metered_mb"],
                "janky": s["janky_frames_from_background"], "bent": bent(result, app) or "nothing",
                "notification_min": s.get("notification_s", 0.0) / M,
            })
    return rows


#: The tool the guide recommends for each task (widgets.chooser gives the reasons).
GUIDE_PICK = {"refresh": "job", "remind": "alarm", "charger": "job", "upload": "job", "music": "service"}

#: The figure's rows, top to bottom: (label, the row's key in task_rows, format).
FIGURE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("What got done", "done", ""),
    ("What Android refused or bent", "bent", ""),
    ("The app's battery (mAh)", "app_mah", ".1f"),
    ("Wakeups (whole phone)", "wakeups", ".0f"),
    ("Cell radio on (s)", "radio_s", ".0f"),
    ("Metered data (MB)", "metered_mb", ".1f"),
    ("Frames missed on screen", "janky", ".0f"),
    ("Notification shown (min)", "notification_min", ".0f"),
)


def figure_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The long rows the figure draws: one text per task, way and row of FIGURE_ROWS."""
    out = []
    picks = {TASKS[t]: WAYS[w] for t, w in GUIDE_PICK.items()}
    for r in rows:
        for order, (label, key, fmt) in enumerate(FIGURE_ROWS):
            if not r["fit"]:
                text = "not a fit" if key == "done" else ""
            else:
                value = r[key]
                text = value if isinstance(value, str) else ("—" if value != value else format(value, fmt))
            out.append({"task": r["task"], "way": r["way"], "col": SHORT[r["way"]], "order": order, "row": label,
                        "text": text,
                        "pick": picks[r["task"]] == r["way"]})
    return out


def four_ways_chart(rows: list[dict[str, Any]]) -> alt.LayerChart:
    """Every task's four ways side by side; the reader picks the task (a Vega param: no kernel needed)."""
    data = alt.InlineData(values=figure_rows(rows))
    task = alt.param(name="task", value=TASKS["refresh"],
                     bind=alt.binding_select(options=list(TASKS.values()), name="Task "))
    ways = list(SHORT.values())
    x = alt.X("col:N", sort=ways, title=None, axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold",
                                                             domain=False, ticks=False, labelLimit=108))
    y = alt.Y("row:N", sort=[label for label, _, _ in FIGURE_ROWS], title=None,
              axis=alt.Axis(domain=False, ticks=False, labelLimit=180))
    base = alt.Chart(data).transform_filter(alt.datum.task == task)
    pick = base.transform_filter("datum.pick").mark_rect(color=PALETTE[0], opacity=0.12).encode(x=x, y=y)
    text = base.mark_text(fontSize=11, limit=108).encode(
        x=x, y=y, text="text:N", color=alt.condition("datum.pick", alt.value("#08306b"), alt.value("#333")))
    return alt.layer(pick, text).add_params(task).properties(
        width=440, height=alt.Step(22),
        title=alt.TitleParams("One task, four tools, the same weekday on Android 14",
                              subtitle="Shaded: the tool the guide recommends for the task", anchor="start"),
        description="For the chosen task, each of four tools (a scheduled job, a service, a broadcast receiver, an "
                    "alarm): what got done, what Android refused or bent, the app's battery, wakeups, cellular radio "
                    "time, metered data, frames missed and how long a notification was shown.",
    )


def charger_prediction(rows: list[dict[str, Any]]) -> Prediction:
    """Predict-then-reveal: which tools react at all to the charger on Android 14, told from the runs."""
    mine = {r["way"]: r for r in rows if r["task"] == TASKS["charger"]}
    reacted = [w for w, r in mine.items() if r["fit"] and r["score"] != float("inf")]
    options = ["all four", "only the broadcast receiver: it is what receivers are for",
               "the job and the alarm; the receiver and the service never react"]
    correct = 0 if len(reacted) == 4 else 1 if reacted == [WAYS["receiver"]] else 2
    job, alarm = mine[WAYS["job"]], mine[WAYS["alarm"]]
    reveal = (
        f"{' and '.join(reacted).capitalize() or 'None'} react. The manifest receiver for "
        "`ACTION_POWER_CONNECTED` is never called: the app targets Android 14, and that broadcast is not on the "
        "list of implicit broadcasts a manifest still receives. The service meant to listen all day was stopped a "
        f"minute after its app left the screen. The job reacts {job['done']}, for {job['app_mah']:.1f} mAh all "
        f"day; the alarm that polls every 15 minutes reacts {alarm['done']}, but pays {alarm['app_mah']:.1f} mAh "
        "for firing all day."
    )
    return Prediction("On Android 14, an app wants to react when the phone is plugged in (at 19:00 on this "
                      "weekday). Written four ways, which of them react at all?", options, correct, reveal)


# -- exercises: any tool may be the answer ---------------------------------------------------------------------

MECHANISMS = (sim.Job, sim.Service, sim.Receiver, sim.Alarm, sim.ImmediateWork)
EXPECTS = "a sim.Job, sim.Service, sim.Receiver, sim.Alarm or sim.ImmediateWork"

#: The podcast: 100 MB of episodes published at 18:00, on the phone before 23:00, no metered data, and no battery
#: spent on it (so, only while charging).
PODCAST_AT_S, PODCAST_BY_S, PODCAST_BYTES = 18 * H, 23 * H, 100 * MB


def _run_one(answer: Any, name: str = "podcast", day: sim.Day | None = None) -> tuple[sim.Result, list[Any]]:
    app = sim.App(name, target_sdk=34, bucket="working_set", work=(answer,))
    result = sim.run(_weekday(app, day), seed=0)
    return result, [w for w in result.work if w.app == name and w.end_s > w.start_s]


def _charging(result: sim.Result, t0: float, t1: float) -> bool:
    return any(s.value == "plugged" and s.start_s <= t0 and t1 <= s.end_s for s in result.lane("charging"))


def _judge_podcast(answer: Any) -> Verdict:
    mech = require(answer, MECHANISMS, EXPECTS)
    if getattr(mech, "down_bytes", 0) != PODCAST_BYTES:
        return Verdict(False, "the episodes are 100 MB to download: down_bytes=100_000_000.")
    verdict = Verdict(False, "")
    for day, when in ((None, ""), (late_charger_day(), " on a day the phone goes on the charger at 21:00")):
        verdict = _podcast_day(mech, day, when)
        if not verdict.correct:
            return verdict
    return verdict


def _podcast_day(mech: Any, day: sim.Day | None, when: str) -> Verdict:
    result, ran = _run_one(mech, "podcast", day)
    if not ran:
        return Verdict(False, f"nothing was downloaded all day{when} ({bent(result, 'podcast') or 'nothing ran'}). "
                              "Look at the four-ways figure's row of what Android refused or bent.")
    first, got = min(w.start_s for w in ran), sum(w.down_bytes for w in ran)
    if first < PODCAST_AT_S:
        return Verdict(False, f"the download started at {services.clock(first)}, before the episodes are "
                              "published at 18:00.")
    late = [w for w in ran if w.end_s > PODCAST_BY_S]
    if got < PODCAST_BYTES or late:
        early = sum(w.down_bytes for w in ran if w.end_s <= PODCAST_BY_S) / MB
        return Verdict(False, f"by 23:00 only {early:.0f} MB had arrived{when}. Which conditions hold together in "
                              "the evening (the weekday's rows)?")
    if result.summary["metered_mb"] > 0:
        return Verdict(False, f"{result.summary['metered_mb']:.0f} MB went over cellular{when}: at 18:00 the phone "
                              "is still on the commute.")
    if not all(_charging(result, w.start_s, w.end_s) for w in ran):
        return Verdict(False, f"part of the download ran on battery{when}. Which condition keeps it to the "
                              "charger?")
    done = max(w.end_s for w in ran)
    return Verdict(True, f"all 100 MB by {services.clock(done)}, on Wi-Fi and on the charger, whenever the "
                         "charger comes.")


#: The charger: react within this many minutes of plugging in, with at most this much of the app's battery all day.
CHARGER_MAX_MIN, CHARGER_MAX_MAH = 45, 1.0


def _judge_charger(answer: Any) -> Verdict:
    mech = require(answer, MECHANISMS, EXPECTS)
    result, ran = _run_one(mech, "backup")
    after = [w.start_s for w in ran if w.start_s >= PLUGGED_S]
    mah = result.energy_by("app").get("backup", 0.0)
    if not after:
        return Verdict(False, f"the app never reacted after 19:00 ({bent(result, 'backup') or 'nothing ran'}). "
                              "The four-ways figure, task 'React to the charger', shows which tools get there.")
    late = (min(after) - PLUGGED_S) / M
    if late > CHARGER_MAX_MIN:
        return Verdict(False, f"it reacted {late:.0f} minutes after the phone was plugged in: too late.")
    if mah > CHARGER_MAX_MAH:
        return Verdict(False, f"it reacted {late:.0f} minutes after plugging in, but the app spent {mah:.1f} mAh "
                              "over the day. What does the fastest tool in the figure pay for, all day long?")
    return Verdict(True, f"reacted {late:.0f} minutes after plugging in, for {mah:.2f} mAh all day.")


#: The afternoon upload: 50 MB asked for at 12:50, done before the commute (17:30), no metered data, and no
#: notification (the user should not see it).
AFTERNOON_BY_S = 17 * H + 30 * M


def _judge_afternoon(answer: Any) -> Verdict:
    mech = require(answer, MECHANISMS, EXPECTS)
    if getattr(mech, "up_bytes", 0) != UPLOAD_BYTES or getattr(mech, "at_s", UPLOAD_AT_S) != UPLOAD_AT_S:
        return Verdict(False, "keep the task: 50 MB up (up_bytes=50_000_000), asked for at 12:50 "
                              "(at_s=UPLOAD_AT_S).")
    result, ran = _run_one(mech, "album")
    sent = sum(w.up_bytes for w in ran if w.end_s <= AFTERNOON_BY_S) / MB
    if sent < UPLOAD_BYTES / MB:
        return Verdict(False, f"only {sent:.0f} MB were sent by 17:30 ({bent(result, 'album') or 'nothing bent'}). "
                              "Which of your conditions holds only in the evening?")
    if result.summary["metered_mb"] > 0:
        return Verdict(False, f"{result.summary['metered_mb']:.0f} MB went over cellular.")
    shown = result.summary.get("notification_s", 0.0)
    if shown > 0:
        return Verdict(False, f"it worked, but a notification was shown for {shown / M:.0f} minutes. Which tool "
                              "needs none?")
    return Verdict(True, f"all 50 MB by {services.clock(max(w.end_s for w in ran))}, on Wi-Fi, with no "
                         "notification.")


EXERCISES = Exercises(globals(), [
    Exercise(
        "podcast", EXPECTS, _judge_podcast,
        solution="sim.Job(at_s=18 * 3600, cpu_s=10, down_bytes=100_000_000,\n"
                 "        network='unmetered', requires_charging=True)",
        explain="A job that may start from 18:00 and asks for Wi-Fi and a charger runs once the phone is home and "
                "plugged in, and the download is done long before 23:00. An alarm at 18:00 would download on the "
                "commute's cellular data and on battery; a service would be stopped with the app out of sight.",
        wrong=("sim.Alarm(call='set_exact_and_allow_while_idle', at_s=18 * 3600, cpu_s=10, "
               "down_bytes=100_000_000, permission='schedule_exact_alarm_granted')",
               "sim.Job(at_s=18 * 3600, cpu_s=10, down_bytes=100_000_000)",
               "sim.Job(at_s=18 * 3600, cpu_s=10, down_bytes=100_000_000, network='unmetered')"),
    ),
    Exercise(
        "charger", EXPECTS, _judge_charger,
        solution="sim.Job(cpu_s=1, requires_charging=True)",
        explain="The job with the charging constraint waits, at no cost, until the phone is plugged in; it starts "
                "half an hour later because Android 12+ holds the jobs of an app outside the active bucket to run "
                "them together. A repeating alarm that checks the charger every 15 minutes reacts sooner but wakes "
                "the phone all day; a manifest receiver for ACTION_POWER_CONNECTED is never called for an app "
                "targeting Android 8 or later.",
        wrong=("sim.Alarm(call='set_inexact_repeating', at_s=900, every_s=900, cpu_s=1)",
               "sim.Receiver(actions=('power_connected',), registered='manifest', cpu_s=1)"),
    ),
    Exercise(
        "afternoon", EXPECTS, _judge_afternoon,
        solution="sim.Job(at_s=UPLOAD_AT_S, cpu_s=5, up_bytes=50_000_000,\n"
                 "        network='unmetered')",
        explain="On the office Wi-Fi the job runs at once and finishes in the afternoon; it needs no notification. "
                "Adding the charging constraint, as the four-ways figure does, pushes it to the evening; a "
                "foreground service does the upload but shows its notification the whole time.",
        wrong=("sim.Job(at_s=UPLOAD_AT_S, cpu_s=5, up_bytes=50_000_000, network='unmetered', "
               "requires_charging=True)",
               "sim.Service(mode='foreground', fgs_type='dataSync', at_s=UPLOAD_AT_S, from_='foreground', "
               "run_s=600, cpu_share=0.02, up_bytes=50_000_000)"),
    ),
])
check, solution = EXERCISES.check, EXERCISES.solution
