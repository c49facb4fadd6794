"""The chapter "Broadcasts": its scenarios, its labs and figures, and the checkers of its exercises."""

from __future__ import annotations

from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (live labs): the charts were drawn at build time
    from widgets._absent import altair as alt

import sim
from widgets import kit
from widgets.controls import Control
from widgets.exercises import Exercise, Exercises, Verdict, WrongAnswerType, require
from widgets.lab import Lab, Runs
from widgets.predict import Prediction
from widgets.rows import Recipe
from widgets.theme import COLUMN_WIDTH_PX, PALETTE

H = 3600.0
M = 60.0

# -- 1. the broadcast storm on a commute -----------------------------------------------------------------------------

#: The commute: 10 minutes at home on Wi-Fi, then the network switches between cellular and the Wi-Fi of stations
#: and trains every 3 to 5 minutes (ASSUMPTION: a plausible commute; what matters is the number of switches), then
#: the office Wi-Fi. The user reads in one app ("reader") from the moment they leave to their arrival.
COMMUTE_START_S = 10 * M
COMMUTE_GAPS_S = (240, 180, 300, 200, 260, 220, 280, 190, 250, 230, 270, 210, 240, 200, 260, 220)
COMMUTE_END_S = COMMUTE_START_S + sum(COMMUTE_GAPS_S)
STORM_DURATION_S = 1.5 * H
#: What each app does when it hears of a change: half a second of CPU and a 50 KB refresh (ASSUMPTION: a feed's
#: small update; the numbers only set the scale).
REFRESH_CPU_S = 0.5
REFRESH_BYTES = 50_000
#: The job alternative: a periodic job, every 30 minutes, that needs an unmetered network.
JOB_EVERY_S = 30 * M

HOWS: dict[str, str] = {
    "manifest23": "manifest receivers, apps targeting 23",
    "manifest25": "manifest receivers, apps targeting 25",
    "manifest34": "manifest receivers, apps targeting 34",
    "runtime": "registerReceiver(), apps targeting 34",
    "job": "a job needing Wi-Fi, every 30 min",
}
HOW_SHORT: dict[str, str] = {
    "manifest23": "manifest, target 23",
    "manifest25": "manifest, target 25",
    "manifest34": "manifest, target 34",
    "runtime": "registerReceiver()",
    "job": "job (Wi-Fi, 30 min)",
}


def commute_day() -> sim.Day:
    """The commute (see COMMUTE_GAPS_S): 16 switches of network with the user reading on screen."""
    periods, t, net = [], COMMUTE_START_S, "cellular"
    for gap in COMMUTE_GAPS_S:
        periods.append(sim.NetworkPeriod(t, t + gap, net))
        t += gap
        net = "wifi" if net == "cellular" else "cellular"
    return sim.Day(screen=(sim.Session(COMMUTE_START_S + 30, COMMUTE_END_S - 30, "reader"),), network=tuple(periods),
                   moving=(sim.Period(COMMUTE_START_S, COMMUTE_END_S),), name="commute")


def storm_app(name: str, how: str) -> sim.App:
    """One app that wants to refresh when the network changes, the way `how` (one of HOWS) lets it."""
    if how == "job":
        work: Any = sim.Job(every_s=JOB_EVERY_S, cpu_s=REFRESH_CPU_S, down_bytes=REFRESH_BYTES, network="unmetered")
        return sim.App(name, target_sdk=34, bucket="active", work=(work,))
    target = {"manifest23": 23, "manifest25": 25, "manifest34": 34, "runtime": 34}[how]
    rx = sim.Receiver(actions=("connectivity_change",), registered="runtime" if how == "runtime" else "manifest",
                      cpu_s=REFRESH_CPU_S, down_bytes=REFRESH_BYTES)
    return sim.App(name, target_sdk=target, bucket="active", work=(rx,))


def storm_scenario(apps: int, how: str) -> sim.Scenario:
    """`apps` apps that react to connectivity changes, on the commute, on Android 14."""
    fleet = tuple(storm_app(f"app{i + 1:02d}", how) for i in range(apps))
    return sim.Scenario(device=sim.Device(api_level=34), day=commute_day(), apps=fleet, duration_s=STORM_DURATION_S)


STORM_ROWS = ("Screen on", "On Wi-Fi", "On cellular", "Cell radio: transfer", "Cell radio: tail", "CPU awake")
STORM_METRICS = ("work_runs", "process_cold_starts", "janky_frames_from_background", "metered_mb",
                 "battery_drained_mah")


def storm_lab() -> Lab:
    def figure(runs: Runs, where: str | None) -> Any:
        return kit.summary_view(runs, where, rows=STORM_ROWS, apps=("app01",), battery=False,
                                metrics=STORM_METRICS)

    return Lab(
        storm_scenario,
        [
            Control("apps", "Apps listening", "range", 16, min=4, max=32, step=4,
                    help="How many apps react to connectivity changes"),
            Control("how", "They listen with", "choice", "manifest23", options=list(HOWS.items())),
        ],
        figure,
    )


def network_changes(result: sim.Result) -> int:
    """How many CONNECTIVITY_ACTION broadcasts the run sent (one per change of network)."""
    return sum(1 for e in result.events if e.kind == "broadcast_sent" and e.detail.startswith("connectivity_change"))


def apps_mah(result: sim.Result) -> float:
    """Energy drawn on behalf of the storm's apps (app01, app02, ...), in mAh."""
    return sum(e.mah for e in result.energy if e.app.startswith("app"))


def storm_prediction(target23: sim.Result, target25: sim.Result) -> Prediction:
    """Predict-then-reveal for the sixteen manifest receivers targeting 23 and 25, told from the two runs."""
    runs23, runs25 = int(target23.summary["work_runs"]), int(target25.summary["work_runs"])
    apps = len(target23.scenario.apps)
    changes = network_changes(target23)
    options = [f"{apps * changes} times either way: every app at every change",
               f"{apps * changes} times targeting 23, not once targeting 25",
               "not once either way: Android 8 closed the manifest to implicit broadcasts"]
    correct = 0 if runs25 == runs23 > 0 else (1 if runs23 > 0 and runs25 == 0 else 2)
    reveal = (
        f"Targeting 23: **{runs23} times**, every app at every change. Android starts "
        f"{target23.summary['process_cold_starts']:.0f} processes for them at the first change and wakes the cached "
        f"ones at each later one. Targeting 25: **{runs25}**. `CONNECTIVITY_ACTION` stopped reaching manifest "
        "receivers of apps targeting 24 and later in Android 7.0, a year before Android 8 closed the manifest to "
        "most implicit broadcasts; an app targeting 23 is still not bound by either, even on Android 14."
    )
    return Prediction(f"The commute switches network {changes} times. How many times do the {apps} apps' manifest "
                      "receivers run if the apps target API 23? And if they target 25?", options, correct, reveal)


#: The comparison's measures: (key, title).
STORM_MEASURES = (
    ("runs", "Receivers or jobs run"),
    ("starts", "Processes started"),
    ("jank", "Frames missed on screen"),
    ("mah", "Battery used by the apps (mAh)"),
)


def storm_rows(lab: Lab) -> list[dict[str, Any]]:
    """One row per (apps, how, measure) over the storm lab's grid."""
    apps_control = lab.controls[0]
    rows = []
    for n in apps_control.values():
        for order, how in enumerate(HOWS):
            r = lab.run(apps=n, how=how)
            values = {"runs": r.summary["work_runs"], "starts": r.summary["process_cold_starts"],
                      "jank": r.summary["janky_frames_from_background"], "mah": apps_mah(r)}
            for key, title in STORM_MEASURES:
                v = values[key]
                rows.append({"k_apps": int(n), "how": HOW_SHORT[how], "order": order, "measure": title,
                             "value": round(v, 2), "text": f"{v:,.1f}" if key == "mah" else f"{v:,.0f}"})
    return rows


def storm_comparison(lab: Lab) -> alt.VConcatChart:
    """The five ways side by side for the number of apps the slider picks (kernel-free: a bound param)."""
    apps = lab.controls[0]
    param = alt.param(name="storm_apps", value=apps.default,
                      bind=alt.binding_range(min=apps.min, max=apps.max, step=apps.step, name="Apps listening "))
    data = alt.Data(values=storm_rows(lab))
    order = list(HOW_SHORT.values())
    panels = []
    for i, (_, title) in enumerate(STORM_MEASURES):
        base = alt.Chart(data).transform_filter(
            f"datum.k_apps == storm_apps && datum.measure == {title!r}"
        ).encode(
            y=alt.Y("how:N", sort=order, title=None, axis=alt.Axis(labels=i % 2 == 0, labelLimit=160)),
            x=alt.X("value:Q", title=None, axis=alt.Axis(labels=False, ticks=False, grid=False)),
            tooltip=[alt.Tooltip("how:N", title="Apps use"), alt.Tooltip("text:N", title=title)],
        )
        bars = base.mark_bar(color=PALETTE[i])
        labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text="text:N")
        panels.append(alt.layer(bars, labels).properties(width=170, height=alt.Step(20), title=title))
    rows = [alt.hconcat(panels[0], panels[1], spacing=40), alt.hconcat(panels[2], panels[3], spacing=40)]
    return alt.vconcat(*rows, spacing=16).add_params(param).properties(
        title="The same commute, five ways to hear of a network change",
        description=("Four bar charts in two rows, one per measure (receivers or jobs run, processes started, "
                     "frames missed in the app on screen, battery used by the apps in mAh), each with one labelled "
                     "bar for each way the apps listen: manifest receivers targeting 23, 25 or 34, "
                     "registerReceiver(), or a job needing Wi-Fi every 30 minutes. A slider sets how many apps "
                     "listen."),
    )


# -- 2. who hears which broadcast -----------------------------------------------------------------------------------

#: The rows of the who-hears table: (label, target SDK, registration).
HEARERS = (
    ("<receiver> in the manifest, targets 25", 25, "manifest"),
    ("<receiver> in the manifest, targets 34", 34, "manifest"),
    ("registerReceiver(), targets 34", 34, "runtime"),
)
#: The columns: the app's state when the broadcast is sent.
STATES = ("on screen", "cached", "not running")
#: The broadcasts: ACTION_POWER_CONNECTED (implicit, from the system), and an explicit one from another app.
HEARD = (("power_connected", "ACTION_POWER_CONNECTED"), ("com.example.PING", "explicit, from another app"))
SENT_AT_S = 300.0


def hears_scenario(target: int, registered: str, state: str, action: str, api: int = 34) -> sim.Scenario:
    """App "a" with a receiver for `action`, in `state` when the broadcast is sent at SENT_AT_S."""
    screen = {"on screen": (sim.Session(0, 600, "a"),), "cached": (sim.Session(0, 60, "a"),),
              "not running": ()}[state]
    charging = (sim.Period(SENT_AT_S, 900),) if action == "power_connected" else ()
    a = sim.App("a", target_sdk=target, work=(sim.Receiver(actions=(action,), registered=registered, cpu_s=0.1),))
    apps: tuple[sim.App, ...] = (a,)
    if action != "power_connected":
        apps += (sim.App("other", work=(sim.Broadcast(action=action, at_s=SENT_AT_S, to="a"),)),)
    return sim.Scenario(device=sim.Device(api_level=api), day=sim.Day(screen=screen, charging=charging), apps=apps,
                        duration_s=1200.0)


def heard(result: sim.Result) -> str:
    """What happened to the broadcast at app "a": received (at once, or starting its process), held, or not."""
    got = [e for e in result.events if e.kind == "broadcast_received" and e.app == "a"]
    if any(e.kind == "broadcast_held" and e.app == "a" for e in result.events) and not got:
        return "held until it runs"
    if not got:
        return "no"
    return "yes, starts the app" if "process started cold" in got[0].detail else "yes"


def who_hears(api: int = 34) -> list[dict[str, str]]:
    """The who-hears table on Android `api`: one row per receiver, one column per (broadcast, state)."""
    rows = []
    for label, target, registered in HEARERS:
        row = {"receiver": label}
        for action, name in HEARD:
            for state in STATES:
                row[f"{name}: {state}"] = heard(sim.run(hears_scenario(target, registered, state, action, api)))
        rows.append(row)
    return rows


def who_hears_tables(api: int = 34) -> tuple[Any, Any]:
    """The who-hears table as two DataFrames (ACTION_POWER_CONNECTED, the explicit broadcast): one row per
    receiver, one column per state of the app."""
    import pandas as pd  # (the chapter's tables only: sim itself never imports pandas)

    rows = who_hears(api)
    out = []
    for _, name in HEARD:
        frame = pd.DataFrame([{"receiver": r["receiver"], **{s: r[f"{name}: {s}"] for s in STATES}} for r in rows])
        out.append(frame.set_index("receiver").rename_axis(f"{name} / the app is"))
    return out[0], out[1]


# -- 3. a slow onReceive -------------------------------------------------------------------------------------------

SLOW_AT_S = 60.0
SLOW_RUNS = {"on_receive": "all in onReceive()", "go_async": "goAsync(), finish() at the end",
             "job": "schedule a job"}


def slow_scenario(work_s: int, queue: str, run: str) -> sim.Scenario:
    """App "a" gets an explicit broadcast from "sender" at SLOW_AT_S and has `work_s` seconds of work to do."""
    rx = sim.Receiver(actions=("com.example.REFRESH",), cpu_s=float(work_s), run=run)
    sender = sim.App("sender", work=(sim.Broadcast(action="com.example.REFRESH", at_s=SLOW_AT_S, to="a",
                                                   foreground=queue == "foreground"),))
    day = sim.Day(screen=(sim.Session(0, 600, None),))  # (the phone awake: only the broadcast's rules matter)
    return sim.Scenario(device=sim.Device(api_level=34), day=day, apps=(sim.App("a", work=(rx,)), sender),
                        duration_s=600.0)


def slow_rows(result: sim.Result) -> list[dict[str, Any]]:
    """The receiver's work, the job's work and the ANR, in seconds from the send."""
    t0 = SLOW_AT_S
    run = next(m.run for app in result.scenario.apps for m in app.work if isinstance(m, sim.Receiver))
    how = {"on_receive": "in onReceive()", "go_async": "on goAsync()'s thread", "job": "schedule() the job"}[run]
    rows: list[dict[str, Any]] = []
    for w in result.work:
        if w.app != "a":
            continue
        label = "the job" if w.mechanism == "job" else "the receiver"
        what = "the job's work" if w.mechanism == "job" else how
        rows.append({"row": label, "kind": "work", "start": round(w.start_s - t0, 2), "end": round(w.end_s - t0, 2),
                     "text": f"{what}: {w.end_s - w.start_s:.1f} s"})
    for e in result.events:
        if e.kind == "anr" and e.app == "a":
            rows.append({"row": "the receiver", "kind": "anr", "start": round(e.t_s - t0, 2),
                         "end": round(e.t_s - t0, 2), "text": f"ANR at {e.t_s - t0:.1f} s"})
    return rows


def slow_chart(runs: Runs, where: str | None) -> alt.LayerChart:
    """When the receiver and the job ran, from the broadcast's send, and where the ANR struck."""
    data = kit._data(runs, Recipe(slow_rows))
    x = alt.X("start:Q", title="Seconds after the broadcast was sent", scale=alt.Scale(domain=[0, 100], clamp=True))
    rows = ["the receiver", "the job"]
    y = alt.Y("row:N", title=None, sort=rows, scale=alt.Scale(domain=rows))
    work = alt.Chart(data).transform_filter("datum.kind == 'work'")
    bars = kit._filtered(work.mark_bar(height={"band": 0.6}, color=PALETTE[0]).encode(
        x=x, x2="end:Q", y=y, tooltip=[alt.Tooltip("row:N"), alt.Tooltip("text:N")]), where)
    bar_text = kit._filtered(work.mark_text(align="left", dx=4, dy=-12, fontSize=11).encode(
        x=alt.X("end:Q", scale=alt.Scale(domain=[0, 100], clamp=True)), y=y, text="text:N"), where)
    anr = kit._filtered(alt.Chart(data).transform_filter("datum.kind == 'anr'").mark_point(
        shape="cross", size=260, filled=True, color=PALETTE[5]).encode(x=x, y=y, tooltip="text:N"), where)
    anr_text = kit._filtered(alt.Chart(data).transform_filter("datum.kind == 'anr'").mark_text(
        align="left", dx=10, dy=14, fontWeight="bold", color=PALETTE[5]).encode(x=x, y=y, text="text:N"), where)
    limits = alt.Chart(alt.Data(values=[{"start": 10, "t": "10 s: foreground queue"},
                                        {"start": 60, "t": "60 s: background queue"}]))
    rules = limits.mark_rule(strokeDash=[4, 3], color="#555").encode(x=x)
    rule_text = limits.mark_text(align="left", dx=3, baseline="top", y=0, fontSize=10, color="#555").encode(
        x=x, text="t:N")
    return alt.layer(rules, rule_text, bars, bar_text, anr, anr_text).properties(
        width=COLUMN_WIDTH_PX - 120, height=140, title="The broadcast, the receiver's work, and the ANR",
        description=("Timeline in seconds after the broadcast was sent: a bar for the receiver's work and one for "
                     "the job's, dashed lines at the 10 s and 60 s ANR timeouts, and a cross where an ANR "
                     "stopped the receiver."),
    )


def slow_lab() -> Lab:
    return Lab(
        slow_scenario,
        [
            Control("work_s", "Work to do", "choice", 15, options=[(s, f"{s} s") for s in (3, 8, 15, 30, 45, 75)],
                    help="Seconds of CPU the receiver's work takes"),
            Control("queue", "Sent", "choice", "foreground",
                    options=[("foreground", "FLAG_RECEIVER_FOREGROUND"), ("background", "without the flag")]),
            Control("run", "The receiver does it", "choice", "on_receive", options=list(SLOW_RUNS.items())),
        ],
        slow_chart,
    )


def anr_after_s(result: sim.Result) -> float | None:
    """Seconds from the send to the receiver's ANR (None if there was none)."""
    return next((e.t_s - SLOW_AT_S for e in result.events if e.kind == "anr" and e.app == "a"), None)


def slow_prediction(on_receive: sim.Result, go_async: sim.Result, background: sim.Result,
                    job: sim.Result) -> Prediction:
    """Predict-then-reveal for goAsync() on the foreground queue, told from the four runs of the slow lab."""
    options = ["no ANR: goAsync() takes the work off the main thread",
               "an ANR at 10 s, as with the work in onReceive()",
               "an ANR at 60 s: goAsync() gets the background queue's time"]
    at = anr_after_s(go_async)
    correct = 0 if at is None else (1 if at < 30 else 2)
    bg_end = max(w.end_s for w in background.work if w.app == "a") - SLOW_AT_S
    receiver = min(w.end_s - w.start_s for w in job.work if w.app == "a")
    shown = "none" if at is None else f"{at:.0f} s"
    reveal = (
        f"An ANR at **{shown}**, as when the work runs in `onReceive()` "
        f"({anr_after_s(on_receive) or 0:.0f} s). A foreground broadcast gives the receiver 10 seconds from its "
        "dispatch, process start included, and `goAsync()` keeps the broadcast going until `finish()`: it frees the "
        f"main thread, not the clock. Without the flag the background queue allows 60 s, and the work is done "
        f"{bg_end:.1f} s after the send. Scheduled as a job, the receiver is done in {receiver:.2f} s (mostly the "
        "process start) and the job does the 15 seconds."
    )
    return Prediction("The broadcast is sent with `FLAG_RECEIVER_FOREGROUND` and the receiver has 15 s of work. With "
                      "`goAsync()`, when does the ANR come, if at all?", options, correct, reveal)


def clock(t_s: float) -> str:
    """Minutes and seconds as m:ss."""
    return f"{int(t_s // 60)}:{int(t_s % 60):02d}"


# -- exercises -----------------------------------------------------------------------------------------------------

#: The charger exercise's days on Android 14: the user reads the app at 8:00; the phone is plugged in at lunch and in
#: the evening. The checker tries the day the page states and a second one with other times, so that an answer
#: keyed to the clock (an alarm at 13:00) does not pass for reacting to the charger.
CHARGE_DAYS_S = (
    ((13 * H, 13 * H + 40 * M), (19 * H, 22.5 * H)),
    ((12 * H + 20 * M, 12 * H + 50 * M), (18 * H + 40 * M, 23 * H)),
)
CHARGES_S = CHARGE_DAYS_S[0]
CHARGER_WITHIN_S = 5 * M
CHARGER_MAX_RUNS = 24


def charger_day(charges: tuple[tuple[float, float], ...] = CHARGES_S) -> sim.Day:
    return sim.Day(screen=(sim.Session(8 * H, 8 * H + 10 * M, "app"), sim.Session(11 * H, 11 * H + 20 * M, "chat")),
                   charging=tuple(sim.Period(a, b) for a, b in charges))


def _mechanisms(answer: Any) -> tuple[Any, ...]:
    items = tuple(answer) if isinstance(answer, list | tuple) else (answer,)
    for item in items:
        if not isinstance(item, sim.Mechanism):
            raise WrongAnswerType(f"your answer holds {type(item).__name__} {item!r:.60}; this exercise wants a "
                                  "mechanism (sim.Receiver, sim.Job, ...) or a tuple of them.")
    return items


def charger_run(answer: Any, charges: tuple[tuple[float, float], ...] = CHARGES_S) -> sim.Result:
    app = sim.App("app", target_sdk=34, bucket="active", work=_mechanisms(answer))
    sc = sim.Scenario(device=sim.Device(api_level=34), day=charger_day(charges), apps=(app,), duration_s=24 * H)
    return sim.run(sc, seed=0)


def hhmm(t_s: float) -> str:
    """Seconds into the day as h:mm."""
    return f"{int(t_s // 3600)}:{int(t_s % 3600 // 60):02d}"


def _judge_charger(answer: Any) -> Verdict:
    items = _mechanisms(answer)
    if any(isinstance(m, sim.Receiver) and m.registered == "manifest" for m in items):
        return Verdict(False, "the exercise asks for no manifest receiver. (What would Android 14 do with one for "
                              "ACTION_POWER_CONNECTED in an app targeting 34? See the who-hears table.)")
    if any(isinstance(m, sim.Service) for m in items):
        return Verdict(False, "no service: a service kept running for the charger costs the battery all day and, "
                              "in the foreground, a notification. Which mechanism waits for a condition for you?")
    most = 0
    for day, charges in enumerate(CHARGE_DAYS_S):
        result = charger_run(answer, charges)
        starts = sorted(w.start_s for w in result.work if w.app == "app")
        most = max(most, len(starts))
        which = "" if day == 0 else " on the checker's second day (other charging times)"
        for a, _ in charges:
            if not any(a <= s <= a + CHARGER_WITHIN_S for s in starts):
                late = [s for s in starts if s >= a]
                when = f"its first work after that started {clock(late[0] - a)} (m:ss) later" if late else \
                    "nothing of it ran after that"
                if any(isinstance(m, sim.Receiver) for m in items):
                    hint = ("Look at the who-hears table: does your app hear the charger when it is cached or not "
                            "running?")
                else:
                    times = {0: "never", 1: "once"}.get(len(starts), f"{len(starts)} times")
                    hint = f"It ran {times} that day: what makes your mechanism run, and when?"
                return Verdict(False, f"the phone was plugged in at {hhmm(a)}{which} and {when}. {hint}")
        if len(starts) > CHARGER_MAX_RUNS:
            return Verdict(False, f"it reacts in time, but runs {len(starts)} times in the day{which} (at most "
                                  f"{CHARGER_MAX_RUNS}): what else makes it run?")
    return Verdict(True, f"work started within {CHARGER_WITHIN_S / 60:.0f} minutes of every plug-in on both days, "
                         f"at most {most} runs in a day, and no manifest receiver or service.")


def _receiver(answer: Any) -> sim.Receiver:
    return require(answer, sim.Receiver, 'a sim.Receiver, e.g. sim.Receiver(actions=("screen_off",))')


def screen_off_run(rx: sim.Receiver) -> sim.Result:
    """The reading app with `rx`, on Android 14: on screen from 8:00 to 8:20; the screen goes off at 8:20."""
    app = sim.App("reader", target_sdk=34, work=(rx,))
    day = sim.Day(screen=(sim.Session(8 * H, 8 * H + 20 * M, "reader"),))
    return sim.run(sim.Scenario(device=sim.Device(api_level=34), day=day, apps=(app,), duration_s=10 * H), seed=0)


def _judge_screen_off(answer: Any) -> Verdict:
    rx = _receiver(answer)
    if "screen_off" not in rx.actions:
        return Verdict(False, f"your receiver listens for {', '.join(rx.actions)}; the app wants to know when the "
                              "screen turns off (the simulator's action names are in sim.broadcasts.ACTIONS).")
    result = screen_off_run(rx)
    off = 8 * H + 20 * M
    got = [e.t_s for e in result.events if e.kind == "broadcast_received" and e.app == "reader"
           and e.detail.startswith("screen_off")]
    if not got:
        why = next((e.detail.split(": ", 2)[-1] for e in result.events
                    if e.kind == "broadcast_not_delivered" and e.app == "reader"), "")
        return Verdict(False, f"the app never heard the screen go off{f' ({why})' if why else ''}. "
                              "Which kind of receiver does SCREEN_OFF reach?")
    if got[0] > off + 1.0:
        return Verdict(False, f"the app heard it {got[0] - off:.0f} s late: held while the app was cached. "
                              "Where is the receiver registered, and is the app still in front at that moment?")
    return Verdict(True, f"SCREEN_OFF reached the app {got[0] - off:.1f} s after the screen went off.")


SLOW_WORK_S = 40.0


def slow_run(rx: sim.Receiver) -> sim.Result:
    app = sim.App("a", target_sdk=34, work=(rx,))
    sender = sim.App("sender", work=(sim.Broadcast(action="com.example.REFRESH", at_s=SLOW_AT_S, to="a",
                                                   foreground=True),))
    day = sim.Day(screen=(sim.Session(0, 600, None),))
    return sim.run(sim.Scenario(device=sim.Device(api_level=34), day=day, apps=(app, sender), duration_s=600.0),
                   seed=0)


def _judge_slow(answer: Any) -> Verdict:
    rx = _receiver(answer)
    if rx.actions != ("com.example.REFRESH",) or rx.registered != "manifest" or rx.cpu_s != SLOW_WORK_S:
        return Verdict(False, 'keep the receiver as it is (actions=("com.example.REFRESH",), a manifest receiver, '
                              f"cpu_s={SLOW_WORK_S:g}) and change only how it does the work (run=...).")
    result = slow_run(rx)
    anrs = [e for e in result.events if e.kind == "anr" and e.app == "a"]
    if anrs:
        return Verdict(False, f"ANR {anrs[0].t_s - SLOW_AT_S:.1f} s after the broadcast was sent. Move the slow "
                              "receiver lab's controls to this case: which choice keeps the receiver short?")
    done = sum(w.cpu_s for w in result.work if w.app == "a" and w.end_s > w.start_s)
    if done < SLOW_WORK_S:
        return Verdict(False, f"no ANR, but only {done:.0f} s of the {SLOW_WORK_S:.0f} s of work got done.")
    return Verdict(True, f"no ANR, and all {SLOW_WORK_S:.0f} s of work done.")


EXERCISES = Exercises(globals(), [
    Exercise(
        "screen_off", "a sim.Receiver", _judge_screen_off,
        solution='sim.Receiver(actions=("screen_off",), registered="activity")',
        explain="SCREEN_OFF reaches runtime receivers only, whatever the app targets: a `<receiver>` in the "
                "manifest never hears it. Registered in the activity (`onStart`/`onStop`), the receiver exists "
                "exactly while the user reads, and the app is in front when the screen turns off, so Android 14 "
                "delivers at once. Registered on the application context (`registered=\"runtime\"`) it also works "
                "here, for the same reason.",
        wrong=('sim.Receiver(actions=("screen_off",))', 'sim.Receiver(actions=("screen_on",), registered="activity")'),
    ),
    Exercise(
        "slow", "a sim.Receiver", _judge_slow,
        solution='sim.Receiver(actions=("com.example.REFRESH",), cpu_s=40,\n'
                 '                      run="job")',
        explain="On the foreground queue a receiver has 10 s from its dispatch, process start included. "
                "`goAsync()` moves the work off the main thread but the same 10 s run until "
                "`PendingResult.finish()`: the ANR comes at the same moment. Scheduling a job ends `onReceive()` "
                "in milliseconds; the job then has JobScheduler's 10-minute limit for the work.",
        wrong=('sim.Receiver(actions=("com.example.REFRESH",), cpu_s=40)',
               'sim.Receiver(actions=("com.example.REFRESH",), cpu_s=40, run="go_async")'),
    ),
    Exercise(
        "charger", "a mechanism or a tuple of them", _judge_charger,
        solution="sim.Job(every_s=15 * 60, cpu_s=1, requires_charging=True)",
        explain="A manifest receiver for ACTION_POWER_CONNECTED is not delivered to an app targeting 26+, and a "
                "runtime receiver hears it only while the process lives: at lunch the app is cached and Android 14 "
                "holds the broadcast until the app runs again; in the evening it may not run at all. A job that "
                "requires charging lets JobScheduler watch the charger: it starts seconds after each plug-in. The "
                "trade-off is the period: a one-off job reacts to the first plug-in only, and a periodic job runs "
                "once per period for as long as the phone charges (with the shortest period, every quarter of an "
                "hour), which is cheap on the charger but not free.",
        wrong=('sim.Receiver(actions=("power_connected",))',
               'sim.Receiver(actions=("power_connected",), registered="runtime")',
               "sim.Job(cpu_s=1, requires_charging=True)",
               'tuple(sim.Alarm(call="set_exact", at_s=h * 3600, cpu_s=1, '
               'permission="schedule_exact_alarm_granted") for h in (13, 19))'),
    ),
])
check, solution = EXERCISES.check, EXERCISES.solution
