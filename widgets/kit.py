"""The chart kit: simulation results in, Altair charts out, in the vocabulary of Battery Historian.

Every function takes a ``Runs`` (one or many results, keyed by control values) and ``where``, a Vega expression
choosing which run to show; the same function draws a live run, either side of an A/B view, and the static twin
whose bound params pick a precomputed run in the browser. Data is inlined as CSV with only the plotted columns,
times rounded, so that a twin over dozens of runs stays small; ``Template`` redraws a live figure for a new run
without rebuilding its charts.
"""

from __future__ import annotations

import bisect
import contextvars
import copy
import csv
import io
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt

from widgets.controls import show
from widgets.runs import Runs
from widgets.theme import COLUMN_WIDTH_PX, PALETTE

__all__ = [
    "DEVICE_ROWS",
    "MAX_BATTERY_POINTS",
    "METRICS",
    "Template",
    "ab_energy_chart",
    "ab_table",
    "ab_view",
    "battery_chart",
    "energy_chart",
    "metrics_table",
    "summary_view",
    "timeline_chart",
]

# -- vocabulary ----------------------------------------------------------------------------------------------------

#: Timeline rows for the device, top to bottom: (row label, group, lane, values that draw a bar). A state that
#: is "off" draws nothing, so a row's bars mean what its label says, whatever their colour.
DEVICE_ROWS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Screen on", "User", "screen", ("on",)),
    ("Charging", "User", "charging", ("plugged",)),
    ("On Wi-Fi", "User", "network", ("wifi",)),
    ("On cellular", "User", "network", ("cellular",)),
    ("Moving", "User", "motion", ("moving",)),
    ("Doze: light idle", "Doze", "doze", ("light_idle",)),
    ("Doze: deep idle", "Doze", "doze", ("deep_idle",)),
    ("Doze: window", "Doze", "doze", ("light_maintenance", "deep_maintenance")),
    ("Cell radio: transfer", "Radio", "radio", ("promotion", "active")),
    ("Cell radio: tail", "Radio", "radio", ("tail",)),
    ("Wi-Fi radio: transfer", "Radio", "wifi", ("active", "tail")),
    ("CPU awake", "CPU", "cpu", ("awake", "active")),
)
APP_ROWS: tuple[tuple[str, str], ...] = (("running", "running"), ("waiting", "waiting to run"))
GROUPS = ("User", "Doze", "Radio", "CPU", "Apps")

#: Energy components of the ledger, as the reader reads them (others keep their ledger name).
COMPONENT_LABELS: dict[str, str] = {
    "screen": "Screen",
    "cpu.suspend": "CPU suspended",
    "cpu.awake": "CPU awake, idle",
    "cpu.active": "CPU running work",
    "cpu.wakeup": "CPU wakeups",
    "radio.promotion": "Cell radio: promotion",
    "radio.active": "Cell radio: transfer",
    "radio.tail": "Cell radio: tail",
    "radio.idle": "Cell radio: idle paging",
    "wifi.active": "Wi-Fi: transfer",
    "wifi.tail": "Wi-Fi: tail",
    "wifi.idle": "Wi-Fi: connected, idle",
}

#: Metrics the reader may be shown: (summary key, label, unit, format, what "better" is). metrics_table shows
#: all but the run counts unless asked for others.
METRICS: tuple[tuple[str, str, str, str, str], ...] = (
    ("battery_drained_mah", "Battery drained", "mAh", ",.0f", "lower"),
    ("battery_drained_pct", "Battery drained", "%", ".1f", "lower"),
    ("wakeups", "Wakeups", "", ",.0f", "lower"),
    ("cell_radio_active_s", "Cell radio on", "s", ",.0f", "lower"),
    ("radio_tail_energy_share", "Radio energy in tails", "", ".0%", "lower"),
    ("metered_mb", "Metered data", "MB", ",.1f", "lower"),
    ("work_latency_p50_s", "Work delay, median", "s", ",.0f", "lower"),
    ("work_latency_p95_s", "Work delay, 95th pct", "s", ",.0f", "lower"),
    ("janky_frames_from_background", "Janky frames caused", "", ",.0f", "lower"),
    ("process_cold_starts", "Processes started", "", ",.0f", "lower"),
    ("job_runs", "Job runs", "", ",.0f", "more is fresher"),
    ("work_runs", "Work runs", "", ",.0f", "more is fresher"),
    ("radio_promotions", "Radio promotions", "", ",.0f", "lower"),
    ("cell_radio_s_per_run", "Cell radio on, per work run", "s", ",.2f", "lower"),
    ("wakeups_per_run", "Wakeups, per work run", "", ",.2f", "lower"),
    ("oldest_data_min", "Oldest the data gets", "min", ",.0f", "lower"),
)

#: Metrics computed from two summary keys (numerator / denominator): a fair comparison of runs that did different
#: amounts of work. They are not in DEFAULT_METRICS; a chapter asks for them by key.
DERIVED_METRICS: dict[str, tuple[str, str]] = {
    "cell_radio_s_per_run": ("cell_radio_active_s", "work_runs"),
    "wakeups_per_run": ("wakeups", "work_runs"),
}


def oldest_data_min(result: Any) -> float:
    """How old an app's data gets: the longest time, in minutes, from the end of one of its work runs that moved
    data to the end of the next (or to the end of the run), over all apps. The cost batching hides."""
    ends: dict[str, list[float]] = {}
    for w in result.work:
        if w.end_s > w.start_s and (w.down_bytes or w.up_bytes):
            ends.setdefault(w.app, []).append(w.end_s)
    worst = 0.0
    for times in ends.values():
        times.sort()
        edges = [*times, float(result.scenario.duration_s)]
        worst = max(worst, *(b - a for a, b in itertools.pairwise(edges)))
    return worst / 60.0 if ends else float("nan")


#: Metrics computed from the whole result rather than its summary.
RESULT_METRICS: dict[str, Any] = {"oldest_data_min": oldest_data_min}


#: The most battery samples one run may give a chart: a 28-day run at the default 5-minute step gives 8,065.
MAX_BATTERY_POINTS = 10_000
#: The largest width or height, in pixels, a chart may be given.
MAX_CHART_PX = 10_000


# -- input checks: every argument a chapter passes is checked here, with a message naming it ----------------------


def _check_runs(fn: str, runs: object, *wheres: object) -> Runs:
    if not isinstance(runs, Runs):
        raise ValueError(f"{fn}(runs={show(runs)}): allowed a Runs, e.g. lab.runs(...) or Runs((), (({{}}, result),))")
    if not runs.items:
        raise ValueError(f"{fn}(runs=Runs with no results): allowed at least one result")
    for where in wheres:
        if where is not None and not isinstance(where, str):
            raise ValueError(f"{fn}(where={show(where)}): allowed a Vega expression (a string) or None")
    return runs


def _check_text(fn: str, name: str, value: object, *, optional: bool = False) -> None:
    if not isinstance(value, str) and not (optional and value is None):
        raise ValueError(f"{fn}({name}={show(value)}): allowed a string{' or None' if optional else ''}")


def _check_px(fn: str, name: str, value: object) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not 1 <= value <= MAX_CHART_PX:  # type: ignore[operator]
        raise ValueError(f"{fn}({name}={show(value)}): allowed a number of pixels, 1..{MAX_CHART_PX}")


def _check_names(fn: str, name: str, value: object, known: Sequence[str]) -> list[str]:
    """``value`` as a list of names from ``known`` (or None, for all of them)."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise ValueError(f"{fn}({name}={show(value)}): allowed a list of {', '.join(known)}")
    for item in value:
        if not isinstance(item, str) or item not in known:
            raise ValueError(f"{fn}({name}=...): item {show(item)}: allowed {', '.join(known)}")
    return list(value)


def _check_window(fn: str, window_h: object) -> tuple[float, float] | None:
    if window_h is None:
        return None
    ok = isinstance(window_h, list | tuple) and len(window_h) == 2 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in window_h
    )
    if not ok or not 0 <= window_h[0] < window_h[1]:  # type: ignore[index]
        raise ValueError(f"{fn}(window_h={show(window_h)}): allowed (start, end) in hours, 0 <= start < end")
    return float(window_h[0]), float(window_h[1])  # type: ignore[index]


def _check_step(fn: str, step_s: object, duration_s: float) -> float:
    ok = isinstance(step_s, int | float) and not isinstance(step_s, bool) and math.isfinite(step_s) and step_s > 0
    if not ok:
        raise ValueError(f"{fn}(step_s={show(step_s)}): allowed a finite number of seconds > 0")
    if duration_s / step_s + 1 > MAX_BATTERY_POINTS:  # type: ignore[operator]
        raise ValueError(
            f"{fn}(step_s={show(step_s)}): gives more than {MAX_BATTERY_POINTS:,} points over a {duration_s:g} s run: "
            f"allowed >= {duration_s / (MAX_BATTERY_POINTS - 1):.3g} s for this run"
        )
    return float(step_s)  # type: ignore[arg-type]


def _app_names(runs: Runs) -> list[str]:
    names: dict[str, None] = {}
    for _, result in runs.items:
        names.update((a.name, None) for a in result.scenario.apps)
    return list(names)


# -- data ----------------------------------------------------------------------------------------------------------


def _inline(rows: list[dict[str, Any]]) -> alt.InlineData:
    """Rows as inline CSV (a fraction of the size of JSON records), with numeric columns parsed back as numbers."""
    columns = list(rows[0]) if rows else []
    parse = {c: "number" for c in columns
             if all(isinstance(r[c], int | float) and not isinstance(r[c], bool) for r in rows)}
    return alt.InlineData(values=_csv(rows, columns), format=alt.DataFormat(type="csv", parse=parse))


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in rows)
    return out.getvalue()


def _keyed_rows(runs: Runs, rows_of: Any, post: Any = None) -> list[dict[str, Any]]:
    """``rows_of(result)`` (a list of dicts) over the runs, each row with the run's key columns, then
    optionally reshaped by ``post(rows)``."""
    out: list[dict[str, Any]] = []
    for keys, result in runs.keyed():
        for row in rows_of(result):
            row.update(keys)
            out.append(row)
    return post(out) if post is not None else out


#: While a Template is being recorded, every dataset a chart draws from is named and its recipe kept here.
_RECIPES: contextvars.ContextVar[list[tuple[Any, Any]] | None] = contextvars.ContextVar("recipes", default=None)


def _data(runs: Runs, rows_of: Any, post: Any = None) -> alt.InlineData:
    """The rows ``rows_of(result)`` of every run, keyed, optionally reshaped by ``post(rows)``, as inline CSV."""
    data = _inline(_keyed_rows(runs, rows_of, post))
    recipes = _RECIPES.get()
    if recipes is not None:
        data.name = f"backstage_{len(recipes)}"
        recipes.append((rows_of, post))
    return data


class Template:
    """A figure's Vega-Lite spec, recorded once, whose data can be recomputed for new runs without rebuilding the
    charts: building Altair objects costs tens of milliseconds a figure, recomputing the data a few.

    Valid while the figure's structure stays the same: the same ``where`` expressions and the same apps.
    """

    def __init__(self, figure: Any, runs: Runs, *wheres: str | None) -> None:
        recipes: list[tuple[Any, Any]] = []
        token = _RECIPES.set(recipes)
        try:
            self.spec: dict[str, Any] = figure(runs, *wheres).to_dict(validate=False)
        finally:
            _RECIPES.reset(token)
        self.recipes = recipes

    def spec_for(self, runs: Runs) -> dict[str, Any]:
        """The recorded spec with every dataset recomputed from ``runs``."""
        values = {}
        for i, (rows_of, post) in enumerate(self.recipes):
            rows = _keyed_rows(runs, rows_of, post)
            values[f"backstage_{i}"] = _csv(rows, list(rows[0]) if rows else [])
        spec = copy.deepcopy(self.spec)
        _replace_data(spec, values)
        return spec


def _replace_data(node: Any, values: dict[str, str]) -> None:
    if isinstance(node, dict):
        if node.get("name") in values and "values" in node:
            node["values"] = values[node["name"]]
        for child in node.values():
            _replace_data(child, values)
    elif isinstance(node, list):
        for child in node:
            _replace_data(child, values)


def _filtered(chart: alt.Chart, where: str | None) -> alt.Chart:
    return chart.transform_filter(where) if where else chart


def _merge(spans: Iterable[tuple[float, float]], gap_s: float) -> list[tuple[float, float, int]]:
    """Join spans closer than ``gap_s`` (invisible at the chart's width): (start, end, how many were joined)."""
    merged: list[tuple[float, float, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap_s:
            s0, e0, n = merged[-1]
            merged[-1] = (s0, max(e0, end), n + 1)
        else:
            merged.append((start, end, 1))
    return merged


def _duration_h(runs: Runs) -> float:
    return max(float(r.meta["duration_s"]) for _, r in runs.items) / 3600.0


def _x(window_h: tuple[float, float], title: str = "Hours from the start of the scenario") -> alt.X:
    # Presets start at a meaningful moment (midnight for a weekday, bedtime for the desk): say hours, not clock.
    return alt.X("start_h:Q", title=title, scale=alt.Scale(domain=list(window_h), nice=False),
                 axis=alt.Axis(tickMinStep=0.5, grid=True))


# -- timeline ------------------------------------------------------------------------------------------------------


def _device_rows(rows: Sequence[str] | None) -> list[tuple[str, str, str, tuple[str, ...]]]:
    if rows is None:
        return list(DEVICE_ROWS)
    known = {r[0]: r for r in DEVICE_ROWS}
    if isinstance(rows, str | bytes) or not isinstance(rows, list | tuple):
        raise ValueError(f"timeline rows={show(rows)}: allowed a list of row labels: {', '.join(known)}")
    unknown = [r for r in rows if not isinstance(r, str) or r not in known]
    if unknown:
        raise ValueError(f"timeline rows={show(unknown[0])}: allowed {', '.join(known)}")
    return [known[r] for r in rows]


def timeline_rows(result: Any, *, apps: Sequence[str] | None, window_h: tuple[float, float],
                  gap_s: float, rows: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The timeline's bars for one result: a dict per bar, spans inside ``window_h`` merged when closer than
    ``gap_s`` and drawn at least ``2 * gap_s`` wide (a pixel), so that a 2-second job still shows."""
    window = _check_window("timeline_rows", window_h)
    if window is None:
        raise ValueError("timeline_rows(window_h=None): allowed (start, end) in hours, 0 <= start < end")
    if isinstance(gap_s, bool) or not isinstance(gap_s, int | float) or not math.isfinite(gap_s) or gap_s < 0:
        raise ValueError(f"timeline_rows(gap_s={show(gap_s)}): allowed a finite number of seconds >= 0")
    if apps is not None:
        _check_names("timeline_rows", "apps", apps, [a.name for a in result.scenario.apps])
    t0, t1 = window[0] * 3600.0, window[1] * 3600.0
    by_lane: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for s in result.states:
        if s.end_s <= t0 or s.start_s >= t1:
            continue
        by_lane.setdefault((s.lane, s.app, s.value), []).append((max(s.start_s, t0), min(s.end_s, t1)))
    out: list[dict[str, Any]] = []
    for label, group, lane, values in _device_rows(rows):
        spans = [sp for v in values for sp in by_lane.get((lane, "", v), [])]
        out += _bars(spans, label, group, gap_s)
    app_names = [a.name for a in result.scenario.apps] if apps is None else list(apps)
    held = _job_waits(result)
    waits: dict[str, list[tuple[float, float, str]]] = {}
    for w in result.work:
        if w.waited_for:
            why = held.get((w.app, w.start_s)) or _REASONS.get(w.waited_for, w.waited_for)
            waits.setdefault(w.app, []).append((w.requested_s, w.start_s, why))
    for app in app_names:
        for value, text in APP_ROWS:
            bars = _bars(by_lane.get(("work", app, value), []), f"{app}: {text}", "Apps", gap_s)
            if value == "waiting":
                _add_reasons(bars, waits.get(app, []))
            out += bars
    return out


def _bars(spans: list[tuple[float, float]], label: str, group: str, gap_s: float) -> list[dict[str, Any]]:
    return [
        {"row": label, "group": group, "start_h": round(s / 3600.0, 4),
         "end_h": round(max(e, s + 2 * gap_s) / 3600.0, 4), "dur_s": round(e - s, 1), "n": n, "why": ""}
        for s, e, n in _merge(spans, gap_s)
    ]


#: The simulator's reasons for holding work back, as the reader reads them.
_REASONS = {
    "doze": "Doze", "network": "no network", "unmetered": "waiting for Wi-Fi", "charging": "waiting for a charger",
    "idle": "waiting for device idle", "quota": "standby-bucket quota", "standby": "standby bucket",
    "batch": "Android 12 batching", "asleep": "phone asleep", "concurrency": "other jobs running",
    "backoff": "backoff after a failure",
}
_WAITED = re.compile(r", waited (.+?); may run")


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _job_waits(result: Any) -> dict[tuple[str, float], str]:
    """For each job run that waited, everything that held it back and for how long, longest first, from the
    scheduler's job_start event ("waited doze 3865 s, batch 5 s"): a wait often has more than one reason."""
    out: dict[tuple[str, float], str] = {}
    for e in result.events:
        if e.kind != "job_start":
            continue
        found = _WAITED.search(e.detail)
        if not found:
            continue
        parts = []
        for item in found.group(1).split(", "):
            name, _, rest = item.partition(" ")
            try:
                parts.append((float(rest.removesuffix(" s")), name))
            except ValueError:
                continue
        parts = [(sec, name) for sec, name in sorted(parts, reverse=True) if sec >= 30]
        if parts:
            out[(e.app, e.t_s)] = ", ".join(f"{_REASONS.get(n, n)} {_duration(sec)}" for sec, n in parts)
    return out


def _add_reasons(bars: list[dict[str, Any]], waits: list[tuple[float, float, str]]) -> None:
    """Say on each "waiting" bar what held the work back: for a job, each reason and for how long (the scheduler's
    account); for other work, the reason that held it longest (the simulator's WorkRecord.waited_for)."""
    waits.sort()
    starts = [w[0] for w in waits]
    for bar in bars:
        lo, hi = bar["start_h"] * 3600.0, bar["start_h"] * 3600.0 + bar["dur_s"]
        first = max(0, bisect.bisect_right(starts, lo) - 1)
        reasons = [why for req, start, why in waits[first:bisect.bisect_right(starts, hi)] if start > lo and req < hi]
        bar["why"] = "; ".join(dict.fromkeys(reasons))


def timeline_chart(runs: Runs, where: str | None, *, apps: Sequence[str] | None = None,
                   rows: Sequence[str] | None = None, window_h: tuple[float, float] | None = None,
                   title: str = "What the phone was doing", width: int = COLUMN_WIDTH_PX - 170) -> alt.Chart:
    """Battery-Historian-style lanes: user (screen, charger, network, motion), Doze, radios, CPU, then for each
    app when its work ran and when it waited. ``rows`` picks device rows by label (default: all of DEVICE_ROWS),
    ``apps`` the apps (default: all), ``window_h`` the hours shown. Hover a bar for its times."""
    fn = "timeline_chart"
    _check_runs(fn, runs, where)
    if apps is not None:
        _check_names(fn, "apps", apps, _app_names(runs))
    _device_rows(rows)
    _check_text(fn, "title", title)
    _check_px(fn, "width", width)
    window = _check_window(fn, window_h) or (0.0, _duration_h(runs))
    gap_s = (window[1] - window[0]) * 3600.0 / width / 2  # half a pixel
    row_labels = [label for label, *_ in _device_rows(rows)]
    app_names = [a.name for a in runs.items[0][1].scenario.apps] if apps is None else list(apps)
    row_labels += [f"{app}: {text}" for app in app_names for _, text in APP_ROWS]

    def keep_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Nothing happened in the window: one empty bar keeps the columns, so the chart draws its rows.
        return rows or [{"row": row_labels[0], "group": "User", "start_h": 0.0, "end_h": 0.0, "dur_s": 0.0, "n": 0,
                         "why": ""}]

    data = _data(runs, lambda r: timeline_rows(r, apps=apps, window_h=window, gap_s=gap_s, rows=rows), keep_columns)
    chart = alt.Chart(data).mark_bar(height={"band": 0.7}, cornerRadius=1, minBandSize=1).encode(
        x=_x(window),
        x2="end_h:Q",
        y=alt.Y("row:N", sort=row_labels, title=None, scale=alt.Scale(domain=row_labels),
                axis=alt.Axis(labelLimit=170)),
        color=alt.Color("group:N", scale=alt.Scale(domain=list(GROUPS), range=list(PALETTE[: len(GROUPS)])),
                        legend=None),
        tooltip=[
            alt.Tooltip("row:N", title="Lane"),
            alt.Tooltip("start_h:Q", title="From (h)", format=".2f"),
            alt.Tooltip("dur_s:Q", title="Lasted (s)", format=",.1f"),
            alt.Tooltip("why:N", title="Held back by"),
            alt.Tooltip("n:Q", title="Spans joined"),
        ],
    )
    return _filtered(chart, where).properties(
        width=width,
        height=alt.Step(14),
        title=title,
        description=(
            "Timeline with one row per state: screen, charger, network, motion, Doze idle and maintenance "
            "windows, cellular and Wi-Fi radio transfers and tails, CPU awake, then for each app when its work "
            "ran and when it waited. A bar means the row's state held for that time."
        ),
    )


# -- battery -------------------------------------------------------------------------------------------------------


def battery_rows(result: Any, step_s: float) -> list[dict[str, Any]]:
    """Battery level sampled every ``step_s`` (linear between the result's change points); ValueError for a step
    that is not a positive number of seconds, or one giving more than MAX_BATTERY_POINTS samples."""
    points = list(result.battery)
    end = float(result.meta["duration_s"])
    step_s = _check_step("battery_rows", step_s, end)
    out, i = [], 0
    for k in range(math.floor(end / step_s) + 1):
        t = min(k * step_s, end)
        while i + 1 < len(points) and points[i + 1].t_s < t:
            i += 1
        a = points[i]
        b = points[i + 1] if i + 1 < len(points) else a
        frac = 0.0 if b.t_s == a.t_s else (t - a.t_s) / (b.t_s - a.t_s)
        pct = a.pct + (b.pct - a.pct) * max(0.0, min(1.0, frac))
        out.append({"start_h": round(t / 3600.0, 3), "pct": round(pct, 2)})
    return out


def battery_chart(runs: Runs, where: str | None, *, title: str = "Battery", height: int = 140,
                  width: int = COLUMN_WIDTH_PX - 170, step_s: float = 300.0) -> alt.Chart:
    """Battery level over the day, in percent."""
    fn = "battery_chart"
    _check_runs(fn, runs, where)
    _check_step(fn, step_s, max(float(r.meta["duration_s"]) for _, r in runs.items))
    _check_text(fn, "title", title)
    _check_px(fn, "height", height)
    _check_px(fn, "width", width)
    chart = alt.Chart(_data(runs, lambda r: battery_rows(r, step_s))).mark_line(color=PALETTE[0], strokeWidth=2).encode(
        x=_x((0.0, _duration_h(runs))),
        y=alt.Y("pct:Q", title="Battery (%)", scale=alt.Scale(zero=False, nice=True)),
        tooltip=[alt.Tooltip("start_h:Q", title="Hour", format=".2f"), alt.Tooltip("pct:Q", title="%", format=".1f")],
    )
    return _filtered(chart, where).properties(
        width=width, height=height, title=title,
        description="Line chart of the battery level in percent over the simulated day.",
    )


# -- energy --------------------------------------------------------------------------------------------------------


def energy_rows(result: Any, by: str) -> list[dict[str, Any]]:
    if by not in ("component", "app"):
        raise ValueError(f"energy_rows(by={show(by)}): allowed 'component' or 'app'")
    totals: dict[str, float] = {}
    for row in result.energy:
        key = COMPONENT_LABELS.get(row.component, row.component) if by == "component" else row.app
        totals[key] = totals.get(key, 0.0) + row.mah
    return [{"part": k, "mah": round(v, 2), "text": f"{v:,.0f}" if v >= 10 else f"{v:.1f}"}
            for k, v in totals.items() if v >= 0.05]


def energy_chart(runs: Runs, where: str | None, *, by: str = "component", title: str | None = None,
                 width: int = COLUMN_WIDTH_PX - 230) -> alt.LayerChart:
    """Where the energy went, in mAh: by component (as BatteryStats splits it) or by app."""
    if by not in ("component", "app"):
        raise ValueError(f"energy_chart(by={show(by)}): allowed 'component' or 'app'")
    _check_runs("energy_chart", runs, where)
    _check_text("energy_chart", "title", title, optional=True)
    _check_px("energy_chart", "width", width)
    base = alt.Chart(_data(runs, lambda r: energy_rows(r, by))).encode(
        y=alt.Y("part:N", sort="-x", title=None, axis=alt.Axis(labelLimit=170)),
        x=alt.X("mah:Q", title="Energy (mAh)"),
        tooltip=[alt.Tooltip("part:N", title=by.title()), alt.Tooltip("mah:Q", title="mAh", format=",.1f")],
    )
    bars = base.mark_bar(color=PALETTE[0])
    labels = base.mark_text(align="left", dx=3).encode(text="text:N")
    layer = alt.layer(_filtered(bars, where), _filtered(labels, where))
    return layer.properties(
        width=width, height=alt.Step(18),
        title=title or f"Energy by {by}",
        description=f"Horizontal bar chart of the energy drawn, in mAh, by {by}; each bar is labelled with its value.",
    )


# -- metrics -------------------------------------------------------------------------------------------------------


DEFAULT_METRICS = tuple(m[0] for m in METRICS
                        if not m[0].endswith(("_runs", "_per_run"))
                        and m[0] not in ("radio_promotions", "oldest_data_min"))


def metric_value(summary: dict[str, float], key: str) -> float:
    """A metric of a run's summary: a summary key, or one of DERIVED_METRICS (NaN when the run has no such key or
    did no work to divide by)."""
    if key in DERIVED_METRICS:
        top, bottom = DERIVED_METRICS[key]
        num, den = float(summary.get(top, float("nan"))), float(summary.get(bottom, float("nan")))
        return num / den if den > 0 else float("nan")
    return float(summary.get(key, float("nan")))


def _metrics(keys: Sequence[str] | None) -> list[tuple[str, str, str, str, str]]:
    if keys is None:
        keys = DEFAULT_METRICS
    known = {m[0]: m for m in METRICS}
    if isinstance(keys, str | bytes) or not isinstance(keys, list | tuple):
        raise ValueError(f"metrics={show(keys)}: allowed a list of metric keys: {', '.join(known)}")
    unknown = [k for k in keys if not isinstance(k, str) or k not in known]
    if unknown:
        raise ValueError(f"metrics={show(unknown[0])}: allowed {', '.join(known)}")
    return [known[k] for k in keys]


def _metric_label(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


def metric_rows(result: Any, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for order, (key, label, unit, fmt, _better) in enumerate(_metrics(keys)):
        value = RESULT_METRICS[key](result) if key in RESULT_METRICS else metric_value(result.summary, key)
        rows.append({"order": order, "metric": _metric_label(label, unit), "value": value,
                     "text": "n/a" if math.isnan(value) else f"{value:{fmt}}"})
    return rows


def metrics_table(runs: Runs, where: str | None, *, metrics: Sequence[str] | None = None,
                  title: str = "In numbers") -> alt.Chart:
    """The named metrics of the summary (``metrics``: keys of METRICS, default all), with units, as a table."""
    _check_runs("metrics_table", runs, where)
    _metrics(metrics)
    _check_text("metrics_table", "title", title)
    data = _data(runs, lambda r: [{k: v for k, v in row.items() if k != "value"} for row in metric_rows(r, metrics)])
    base = alt.Chart(data).encode(y=alt.Y("order:O", axis=None))
    label = base.mark_text(align="left").encode(x=alt.value(0), text="metric:N")
    value = base.mark_text(align="right", fontWeight="bold").encode(x=alt.value(260), text="text:N")
    return alt.layer(_filtered(label, where), _filtered(value, where)).properties(
        width=270, height=alt.Step(18), title=title,
        description="Table of the run's metrics: battery drained, wakeups, cellular radio time, share of radio "
                    "energy spent in tails, metered data, work delay and janky frames caused.",
    )


def summary_view(runs: Runs, where: str | None, *, apps: Sequence[str] | None = None,
                 rows: Sequence[str] | None = None, window_h: tuple[float, float] | None = None,
                 battery: bool = True, metrics: Sequence[str] | None = None) -> alt.VConcatChart:
    """One run: the timeline, then (optionally) the battery, then the energy split beside the numbers."""
    if not isinstance(battery, bool):
        raise ValueError(f"summary_view(battery={show(battery)}): allowed True or False")
    charts: list[Any] = [timeline_chart(runs, where, apps=apps, rows=rows, window_h=window_h)]
    if battery:
        charts.append(battery_chart(runs, where))
    charts.append(alt.hconcat(energy_chart(runs, where, width=200), metrics_table(runs, where, metrics=metrics)))
    return alt.vconcat(*charts).resolve_scale(color="independent")


# -- A/B -----------------------------------------------------------------------------------------------------------


def ab_table(runs: Runs, where_a: str | None, where_b: str | None, label_a: str, label_b: str, *,
             metrics: Sequence[str] | None = None) -> alt.LayerChart:
    """Each metric for A and for B, and the change from A to B in numbers."""
    _check_runs("ab_table", runs, where_a, where_b)
    _check_text("ab_table", "label_a", label_a)
    _check_text("ab_table", "label_b", label_b)
    chosen = _metrics(metrics)
    data = _data(runs, lambda r: [{k: v for k, v in row.items() if k != "text"} for row in metric_rows(r, metrics)])
    formats = {_metric_label(label, unit): fmt for _, label, unit, fmt, _ in chosen}
    chart = (
        alt.Chart(data)
        # A row may belong to A, to B or (when both show the same choice) to both: fold it into one row per side.
        .transform_calculate(in_A=where_a or "true", in_B=where_b or "true")
        .transform_fold(["in_A", "in_B"], as_=["side", "selected"])
        .transform_filter("datum.selected")
        .transform_calculate(side="datum.side == 'in_A' ? 'A' : 'B'")
        .transform_pivot("side", value="value", groupby=["order", "metric"])
        .transform_calculate(
            a_text=_format_expr("datum.A", formats),
            b_text=_format_expr("datum.B", formats),
            change=(
                "datum.A == datum.B ? 'same' : datum.A == 0 ? 'from 0' : "
                "(datum.B > datum.A ? '+' : '−') + format(abs(datum.B / datum.A - 1), '.0%')"
            ),
        )
    )
    base = chart.encode(y=alt.Y("order:O", axis=None))
    columns = [
        base.mark_text(align="left").encode(x=alt.value(0), text="metric:N"),
        base.mark_text(align="right").encode(x=alt.value(300), text="a_text:N"),
        base.mark_text(align="right", fontWeight="bold").encode(x=alt.value(390), text="b_text:N"),
        base.mark_text(align="right").encode(x=alt.value(480), text="change:N"),
    ]
    header = [{"x": 300, "t": "A"}, {"x": 390, "t": "B"}, {"x": 480, "t": "B against A"}]
    heading = alt.Chart(_inline(header)).mark_text(align="right", fontWeight="bold", baseline="bottom", dy=-4).encode(
        x=alt.X("x:Q", scale=None), y=alt.value(0), text="t:N"
    )
    return alt.layer(*columns, heading).properties(
        width=490, height=alt.Step(18), title=f"A ({label_a}) against B ({label_b})",
        description=f"Table comparing A ({label_a}) and B ({label_b}) on each metric, with the relative change.",
    )


def _format_expr(field: str, formats: dict[str, str]) -> str:
    expr = f"format({field}, ',.1f')"
    for metric, fmt in formats.items():
        expr = f"datum.metric == {metric!r} ? format({field}, {fmt!r}) : ({expr})"
    return expr


def ab_energy_chart(runs: Runs, where_a: str | None, where_b: str | None, *, parts: Sequence[str] | None = None,
                    width: int = COLUMN_WIDTH_PX - 230) -> alt.LayerChart:
    """Energy by component for A and for B, as pairs of labelled bars ("A 12", "B 3"), in mAh; ``parts``: labels of
    COMPONENT_LABELS (default: all)."""
    _check_runs("ab_energy_chart", runs, where_a, where_b)
    if parts is not None:
        _check_names("ab_energy_chart", "parts", parts, list(COMPONENT_LABELS.values()))
    _check_px("ab_energy_chart", "width", width)

    def only_parts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows if parts is None else [r for r in rows if r["part"] in parts]

    base = (
        alt.Chart(_data(runs, lambda r: energy_rows(r, "component"), only_parts))
        .transform_calculate(in_A=where_a or "true", in_B=where_b or "true")
        .transform_fold(["in_A", "in_B"], as_=["side", "selected"])
        .transform_filter("datum.selected")
        .transform_calculate(side="datum.side == 'in_A' ? 'A' : 'B'", label="datum.side + ' ' + datum.text")
        .encode(
            y=alt.Y("part:N", title=None, sort=list(parts) if parts else None, axis=alt.Axis(labelLimit=170)),
            yOffset=alt.YOffset("side:N", sort=["A", "B"]),
            x=alt.X("mah:Q", title="Energy (mAh)"),
            tooltip=[alt.Tooltip("side:N"), alt.Tooltip("part:N", title="Component"),
                     alt.Tooltip("mah:Q", title="mAh", format=",.1f")],
        )
    )
    bars = base.mark_bar().encode(
        color=alt.Color("side:N", scale=alt.Scale(domain=["A", "B"], range=[PALETTE[4], PALETTE[0]]), legend=None)
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N")
    return alt.layer(bars, labels).properties(
        width=width, height=alt.Step(11), title="Energy by component, A and B",
        description="Paired horizontal bars of energy in mAh by component, one labelled A and one labelled B.",
    )


def ab_view(runs: Runs, where_a: str | None, where_b: str | None, label_a: str = "A", label_b: str = "B", *,
            apps: Sequence[str] | None = None, rows: Sequence[str] | None = None,
            window_h: tuple[float, float] | None = None, metrics: Sequence[str] | None = None,
            energy_parts: Sequence[str] | None = None) -> alt.VConcatChart:
    """Two choices on the same day and seed: both timelines on one time axis, the numbers side by side, and
    (given ``energy_parts``, labels of COMPONENT_LABELS) the energy of those components for each."""
    _check_runs("ab_view", runs, where_a, where_b)
    if energy_parts is not None:
        _check_names("ab_view", "energy_parts", energy_parts, list(COMPONENT_LABELS.values()))
    charts: list[Any] = [
        timeline_chart(runs, where_a, apps=apps, rows=rows, window_h=window_h, title=f"A: {label_a}"),
        timeline_chart(runs, where_b, apps=apps, rows=rows, window_h=window_h, title=f"B: {label_b}"),
        ab_table(runs, where_a, where_b, label_a, label_b, metrics=metrics),
    ]
    if energy_parts:
        charts.append(ab_energy_chart(runs, where_a, where_b, parts=energy_parts))
    return alt.vconcat(*charts).resolve_scale(x="independent", color="independent")
