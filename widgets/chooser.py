"""The guide's decision, made interactive: the reader describes a task and the page names the tool to use.

``recommend(at_time=..., noticed=..., event=..., can_wait=..., long=...)`` returns an ``Advice``: the tool the
guide "About background operations" recommends, in its own words, what current Android does about it, and the
call in Kotlin and in the simulator. ``Chooser()`` displays the five questions as yes/no buttons and the advice for
the answers given; every combination is worked out here, in Python, and the page only looks the answer up, so the
chooser runs on the published site with no kernel (a few lines of script, no request).

The order of the questions is the guide's: a time that matters comes first (alarms are only for that), then work the
user notices (a foreground service), then a reaction to an event (a broadcast, though a job with the matching
constraint is usually better), then whether it can wait (a job) or not (an expedited job, or a foreground
service when it is long).
"""

from __future__ import annotations

import html
import itertools
import json
from dataclasses import asdict, dataclass

__all__ = ["QUESTIONS", "Advice", "Chooser", "recommend"]

#: (key, question) in the order the guide's reasoning asks them.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("at_time", "Must it happen at a set time, because the time itself matters to the user (an alarm clock, a "
                "reminder at 8:00)?"),
    ("noticed", "Does the user notice it while it runs, and expect it to carry on after leaving the app (music, "
                "navigation, an upload they started)?"),
    ("event", "Is it a reaction to something that happens on the phone (the charger, the network, an app "
              "installed)?"),
    ("can_wait", "Can it wait for good conditions (Wi-Fi, a charger, the phone left idle), even for hours?"),
    ("long", "Does it run for more than a few minutes?"),
)

# The guide's words (developer.android.com/guide/background, "About background operations").
_GUIDE_JOBS = "Scheduled jobs are usually your best choice."
_GUIDE_SERVICE = ("If you have a music app, you would want to define a service to handle the audio playback. In a "
                  "case like that, you would use a foreground service.")
_GUIDE_BROADCAST = ("Apps can register to receive system broadcasts ... In most cases, you're better off using a "
                    "scheduled job.")
_GUIDE_ALARM = ("Use AlarmManager when you need to start your app up at a specific time ... If you just need to "
                "perform an operation at a specified interval, or under particular conditions, you should use a "
                "scheduled job.")


@dataclass(frozen=True)
class Advice:
    """What to use, why (the guide), what Android does today, and the call in Kotlin and in the simulator."""

    tool: str
    why: str
    guide: str
    today: str
    kotlin: str
    sim: str
    chapter: str


def recommend(*, at_time: bool, noticed: bool, event: bool, can_wait: bool, long: bool) -> Advice:
    """The tool for a task described by the five answers (see QUESTIONS)."""
    answers = {"at_time": at_time, "noticed": noticed, "event": event, "can_wait": can_wait, "long": long}
    for key, value in answers.items():
        if not isinstance(value, bool):
            raise ValueError(f"recommend({key}={value!r}): allowed True or False")
    if at_time:
        return Advice(
            "An alarm",
            "the time itself matters, so AlarmManager is the tool, and only because of that.",
            _GUIDE_ALARM,
            "Exact alarms need SCHEDULE_EXACT_ALARM from Android 12 (denied by default to new installs of apps "
            "targeting 13+ from Android 14) or USE_EXACT_ALARM for alarm-clock and calendar apps; "
            "setAlarmClock() is the one that also brings the phone out of Doze on time.",
            "alarmManager.setAlarmClock(AlarmClockInfo(triggerAt, showIntent), pendingIntent)",
            'sim.Alarm(call="set_alarm_clock", at_s=8 * 3600)',
            "alarms",
        )
    if noticed:
        return Advice(
            "A foreground service",
            "the user notices the work and expects it to go on, so it runs as a foreground service with its "
            "notification.",
            _GUIDE_SERVICE,
            "Start it while the app is in front (from Android 12 a background start is refused except in listed "
            "cases), call startForeground() within the deadline, and from Android 14 declare its type; a data "
            "transfer the user asked for can instead be a user-initiated data transfer job (Android 14).",
            "context.startForegroundService(intent)  // then startForeground(id, notification, TYPE_MEDIA_PLAYBACK)",
            'sim.Service(mode="foreground", fgs_type="mediaPlayback", run_s=3600)',
            "services",
        )
    if event:
        return Advice(
            "A job with the matching constraint (or a receiver registered at run time)",
            "it reacts to an event; if a job constraint describes the event (a network, the charger, the phone "
            "idle), a job is the better answer; while the app runs, registerReceiver() hears implicit broadcasts.",
            _GUIDE_BROADCAST,
            "Manifest receivers do not get most implicit broadcasts for apps targeting Android 8.0+ (and no "
            "CONNECTIVITY_ACTION from 7.0); explicit broadcasts and the exempt ones (BOOT_COMPLETED, "
            "LOCALE_CHANGED, ...) still arrive; from Android 14 broadcasts to cached apps wait.",
            "JobInfo.Builder(id, service).setRequiresCharging(true).build()  // instead of ACTION_POWER_CONNECTED",
            "sim.Job(requires_charging=True, cpu_s=1)",
            "broadcasts",
        )
    if can_wait:
        return Advice(
            "A scheduled job",
            "it can wait for good conditions, which is what jobs are for: the system runs it when they hold, "
            "together with other work.",
            _GUIDE_JOBS,
            "Jobs wait for their constraints, for Doze's maintenance windows and for their standby bucket's quota; "
            "a job runs up to 10 minutes (from Android 14 more while quota allows) and is then rescheduled.",
            "WorkManager.getInstance(context).enqueue(OneTimeWorkRequestBuilder<SyncWorker>()"
            ".setConstraints(constraints).build())",
            'sim.Job(network="unmetered", requires_charging=True)',
            "scheduled-jobs",
        )
    if long:
        return Advice(
            "A foreground service (or a user-initiated data transfer job)",
            "it cannot wait and runs long: a job would be stopped after its time limit, a background service "
            "shortly after the app leaves the front.",
            _GUIDE_SERVICE,
            "The service needs a type from Android 14, and dataSync services stop after 6 hours a day from "
            "Android 15; for a transfer the user asked for, Android 14's user-initiated data transfer jobs fit.",
            "context.startForegroundService(intent)  // type: dataSync",
            'sim.Service(mode="foreground", fgs_type="dataSync", run_s=1800)',
            "services",
        )
    return Advice(
        "An expedited job",
        "it cannot wait but is short: an expedited job starts at once, even in Doze, within its daily quota.",
        _GUIDE_JOBS,
        "Expedited jobs (Android 12+) have their own quota and a short time limit; WorkManager's "
        "setExpedited() falls back to a foreground service on older Android.",
        "OneTimeWorkRequestBuilder<SendWorker>().setExpedited(OutOfQuotaPolicy.RUN_AS_NON_EXPEDITED_WORK_REQUEST)",
        "sim.Job(expedited=True, cpu_s=5)",
        "scheduled-jobs",
    )


def _key(values: tuple[bool, ...]) -> str:
    return "".join("1" if v else "0" for v in values)


def all_advice() -> dict[str, Advice]:
    """The advice for every combination of answers, keyed "01001" in the order of QUESTIONS."""
    keys = [k for k, _ in QUESTIONS]
    return {_key(values): recommend(**dict(zip(keys, values, strict=True)))
            for values in itertools.product((False, True), repeat=len(keys))}


class Chooser:
    """The five questions as yes/no buttons, and the advice for the answers: kernel-free, on any page."""

    _count = itertools.count()

    def __init__(self) -> None:
        self.key = f"bs-choose-{next(self._count)}"

    def _repr_html_(self) -> str:
        key = self.key
        table = json.dumps({k: asdict(a) for k, a in all_advice().items()})
        rows = []
        for i, (name, question) in enumerate(QUESTIONS):
            rows.append(
                f'<div style="margin:.35em 0"><span>{i + 1}. {html.escape(question)}</span><br>'
                f'<label style="margin-right:1em"><input type="radio" name="{key}-{name}" value="1"> yes</label>'
                f'<label><input type="radio" name="{key}-{name}" value="0" checked> no</label></div>')
        script = f"""
(function() {{
  const box = document.getElementById("{key}");
  const table = JSON.parse(box.querySelector("script[type='application/json']").textContent);
  const names = {json.dumps([n for n, _ in QUESTIONS])};
  const show = () => {{
    const k = names.map(n => box.querySelector(`input[name="{key}-${{n}}"]:checked`).value).join("");
    const a = table[k];
    const out = box.querySelector(".bs-advice");
    out.querySelector(".bs-tool").textContent = a.tool;
    out.querySelector(".bs-why").textContent = "Why: " + a.why;
    out.querySelector(".bs-guide").textContent = a.guide;
    out.querySelector(".bs-today").textContent = a.today;
    out.querySelector(".bs-kotlin").textContent = a.kotlin;
    out.querySelector(".bs-sim").textContent = a.sim;
    out.dataset.key = k;
  }};
  box.querySelectorAll("input").forEach(i => i.addEventListener("change", show));
  show();
}})();"""
        first = all_advice()["00000"]
        safe_table = table.replace("</", "<\\/")  # a script's text ends at "</"
        return (
            f'<div class="bs-chooser" id="{key}" style="border:1px solid #ddd;border-radius:6px;padding:.6em .9em">'
            f'<script type="application/json">{safe_table}</script>'
            f'{"".join(rows)}'
            f'<div class="bs-advice" data-key="00000" role="status" style="margin-top:.6em;border-left:4px solid '
            f'#4c78a8;padding:.3em .8em;background:#f5f8fb">'
            f'<p style="margin:.2em 0"><strong>Use: <span class="bs-tool">{html.escape(first.tool)}</span></strong>'
            f'</p><p class="bs-why" style="margin:.2em 0">Why: {html.escape(first.why)}</p>'
            f'<p style="margin:.2em 0">The guide: <q class="bs-guide">{html.escape(first.guide)}</q></p>'
            f'<p style="margin:.2em 0">Android today: <span class="bs-today">{html.escape(first.today)}</span></p>'
            f'<pre style="margin:.3em 0;white-space:pre-wrap"><code class="bs-kotlin">{html.escape(first.kotlin)}'
            f'</code></pre><pre style="margin:.3em 0;white-space:pre-wrap"><code class="bs-sim">'
            f'{html.escape(first.sim)}</code></pre></div>'
            f'<noscript>Each answer is worked out on the page "Choosing" under the chooser.</noscript>'
            f"<script>{script}</script></div>")
