"""CPU and wakeups: the CPU is suspended unless a wakelock, the screen or the system holds it; each resume counts."""

from __future__ import annotations

from collections.abc import Callable

from sim.records import Event, StateSpan

__all__ = [
    "ASSUMED_ALARM_HOLD_S",
    "ASSUMED_WAKEUP_RESUME_S",
    "ASSUMED_WAKEUP_SUSPEND_S",
    "Hold",
    "cpu_sweep",
]

# ASSUMPTION: the cost of one suspend -> resume -> suspend cycle is not published (android-facts §7c, §9). Modelled
# as the kernel running at cpu.active for a resume and a re-suspend of "tens of ms" each. Overridable (Assumptions).
ASSUMED_WAKEUP_RESUME_S = 0.05
ASSUMED_WAKEUP_SUSPEND_S = 0.05
# ASSUMPTION: how long a bare wakeup alarm (a Doze step, the charger being plugged in) keeps the CPU awake while
# AlarmManager's "*alarm*" wakelock delivers it (android-facts §7c gives the wakelock, not its length).
ASSUMED_ALARM_HOLD_S = 0.5

Hold = tuple[float, float, str, str]  # (t0_s, t1_s, app, reason): something kept the CPU awake
Ledger = Callable[[str, str, float], None]  # (component, app, mah)
Segment = Callable[[float, float, float, str], None]  # (t0_s, t1_s, current_ma, component)


def cpu_sweep(
    holds: list[Hold],
    active: list[tuple[float, float]],
    *,
    t_end: float,
    awake_ma: float,
    active_ma: float,
    wakeup_s: float,
    ledger: Ledger,
    segment: Segment,
) -> tuple[list[StateSpan], list[Event]]:
    """Lay the CPU's holds and running intervals on one time line.

    Returns the "cpu" lane (suspended / awake / active) and one "wakeup" event per suspend -> resume, with the
    app and reason of the hold that woke it. Awake time is charged at `awake_ma`, shared equally among the apps
    holding the CPU in each awake period, in proportion to how long each held it (as BatteryStats shares
    wakelock time); each wakeup costs `wakeup_s` at
    `active_ma`, charged to the app that woke the CPU. Active (running) energy is charged by the caller per work.
    A hold that starts at t=0 finds the CPU already awake (no wakeup).
    """
    ev: list[tuple[float, int, int]] = []
    for i, (a, b, _app, _reason) in enumerate(holds):
        a = a if a > 0.0 else 0.0
        b = b if b < t_end else t_end
        if b > a:
            ev.append((a, 0, i))
            ev.append((b, 3, i))
    for a, b in active:
        b = b if b < t_end else t_end
        if b > a:
            ev.append((a, 1, -1))
            ev.append((b, 2, -1))
    ev.sort()
    spans: list[StateSpan] = []
    events: list[Event] = []
    awake_mah: dict[str, float] = {}
    period: dict[str, float] = {}  # hold seconds per app within the current awake period
    n_hold = 0
    n_act = 0
    value = "suspended"
    span_start = 0.0
    wake_t = 0.0
    wake_app = ""
    wake_cost_mah = active_ma * wakeup_s / 3600.0
    for t, kind, i in ev:
        if kind == 0:
            if n_hold == 0:
                wake_t = t
                app = holds[i][2]
                if t > 0.0:
                    wake_app = app
                    events.append(Event(t, "wakeup", app, holds[i][3]))
                else:
                    wake_app = ""
            n_hold += 1
        elif kind == 3:
            h = holds[i]
            a = h[0] if h[0] > 0.0 else 0.0
            period[h[2]] = period.get(h[2], 0.0) + (t - a)
            n_hold -= 1
            if n_hold == 0:
                _share(period, (t - wake_t) * awake_ma / 3600.0, awake_mah)
                period = {}
                if wake_app and wakeup_s > 0.0:
                    d = min(wakeup_s, t - wake_t)
                    ledger("cpu.wakeup", wake_app, wake_cost_mah)
                    segment(wake_t, wake_t + d, wake_cost_mah * 3600.0 / d, "cpu.wakeup")
        elif kind == 1:
            n_act += 1
        else:
            n_act -= 1
        new = "suspended" if n_hold == 0 else ("active" if n_act > 0 else "awake")
        if new != value:
            if t > span_start:
                spans.append(StateSpan("cpu", span_start, t, value))
                if value != "suspended":
                    segment(span_start, t, awake_ma, "cpu.awake")
            span_start = t
            value = new
    if t_end > span_start:  # holds are clipped to t_end, so the CPU is "suspended" here
        spans.append(StateSpan("cpu", span_start, t_end, value))
    for app, mah in awake_mah.items():
        ledger("cpu.awake", app, mah)
    return spans, events


def _share(weights: dict[str, float], mah: float, into: dict[str, float]) -> None:
    """Split `mah` among apps in proportion to `weights` (their hold seconds in one awake period)."""
    total = sum(weights.values())
    if total <= 0.0:
        if weights:
            app = next(iter(weights))
            into[app] = into.get(app, 0.0) + mah
        return
    for app, w in weights.items():
        into[app] = into.get(app, 0.0) + mah * w / total
