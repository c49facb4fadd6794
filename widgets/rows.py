"""Chart rows: a simulation Result turned into the rows each chart of the kit draws, with the standard library only.

The same functions feed the charts in a kernel (``widgets.kit``) and in the reader's browser, where the simulator
runs live under Pyodide (``widgets.live``): that is why this module imports neither Altair nor pandas. A ``Recipe``
is one of these functions with its keyword arguments kept as data, so that the recipe a chart was drawn with at
build time can be sent to the browser and run there on a new Result.
"""

from __future__ import annotations

import bisect
import csv
import importlib
import io
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from widgets.controls import show

__all__ = [
    "APP_ROWS",
    "COMPONENT_LABELS",
    "DEFAULT_METRICS",
    "DERIVED_METRICS",
    "DEVICE_ROWS",
    "GROUPS",
    "MAX_BATTERY_POINTS",
    "METRICS",
    "RESULT_METRICS",
    "Recipe",
    "battery_rows",
    "csv_text",
    "energy_rows",
    "keyed_rows",
    "metric_rows",
    "metric_value",
    "oldest_data_min",
    "only_parts",
    "or_placeholder_bar",
    "timeline_rows",
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
    ("unmetered_mb", "Data over Wi-Fi", "MB", ",.1f", "more is fresher"),
    ("work_latency_p50_s", "Work delay, median", "s", ",.0f", "lower"),
    ("work_latency_p95_s", "Work delay, 95th pct", "s", ",.0f", "lower"),
    ("janky_frames_from_background", "Janky frames caused", "", ",.0f", "lower"),
    ("process_cold_starts", "Processes started", "", ",.0f", "lower"),
    ("job_runs", "Job runs", "", ",.0f", "more is fresher"),
    ("work_runs", "Work runs", "", ",.0f", "more is fresher"),
    ("alarm_fires", "Alarm fires", "", ",.0f", "more is fresher"),
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

# -- input checks ------------------------------------------------------------------------------------------------


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



# -- timeline ------------------------------------------------------------------------------------------------------


def _pick(field: str, what: str, names: Any, table: Sequence[tuple[Any, ...]]) -> list[Any]:
    """The entries of ``table`` (keyed by their first item) that ``names`` lists, in its order; ValueError naming
    ``field`` for names that are not a list or one that is not in the table."""
    known = {entry[0]: entry for entry in table}
    if isinstance(names, str | bytes) or not isinstance(names, list | tuple):
        raise ValueError(f"{field}={show(names)}: allowed a list of {what}: {', '.join(known)}")
    unknown = [n for n in names if not isinstance(n, str) or n not in known]
    if unknown:
        raise ValueError(f"{field}={show(unknown[0])}: allowed {', '.join(known)}")
    return [known[n] for n in names]


def _device_rows(rows: Sequence[str] | None) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return list(DEVICE_ROWS) if rows is None else _pick("timeline rows", "row labels", rows, DEVICE_ROWS)


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



# -- metrics -------------------------------------------------------------------------------------------------------


#: The metrics a table shows unless asked for others (the chapters' own additions are asked for by name).
DEFAULT_METRICS = tuple(m[0] for m in METRICS
                        if not m[0].endswith(("_runs", "_per_run", "_fires"))
                        and m[0] not in ("radio_promotions", "oldest_data_min", "unmetered_mb", "process_cold_starts"))


def metric_value(summary: dict[str, float], key: str) -> float:
    """A metric of a run's summary: a summary key, or one of DERIVED_METRICS (NaN when the run has no such key or
    did no work to divide by)."""
    if key in DERIVED_METRICS:
        top, bottom = DERIVED_METRICS[key]
        num, den = float(summary.get(top, float("nan"))), float(summary.get(bottom, float("nan")))
        return num / den if den > 0 else float("nan")
    return float(summary.get(key, float("nan")))




def _metrics(keys: Sequence[str] | None) -> list[tuple[str, str, str, str, str]]:
    return _pick("metrics", "metric keys", DEFAULT_METRICS if keys is None else keys, METRICS)


def _metric_label(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


def metric_rows(result: Any, keys: Sequence[str] | None = None, *, without: str | None = None
                ) -> list[dict[str, Any]]:
    """One row per metric (``keys``: keys of METRICS, default all but the run counts): its order, label, value and
    the value as text; ``without`` drops one of those columns ("value" or "text")."""
    if without not in (None, "value", "text"):
        raise ValueError(f"metric_rows(without={show(without)}): allowed None, 'value' or 'text'")
    rows = []
    for order, (key, label, unit, fmt, _better) in enumerate(_metrics(keys)):
        value = RESULT_METRICS[key](result) if key in RESULT_METRICS else metric_value(result.summary, key)
        row = {"order": order, "metric": _metric_label(label, unit), "value": value,
               "text": "n/a" if math.isnan(value) else f"{value:{fmt}}"}
        if without is not None:
            del row[without]
        rows.append(row)
    return rows


# -- reshaping a chart's rows ----------------------------------------------------------------------------------


def or_placeholder_bar(rows: list[dict[str, Any]], *, row: str) -> list[dict[str, Any]]:
    """The timeline's rows, or (nothing happened in the window) one empty bar on ``row``, which keeps the columns
    so that the chart still draws its rows."""
    return rows or [{"row": row, "group": "User", "start_h": 0.0, "end_h": 0.0, "dur_s": 0.0, "n": 0, "why": ""}]


def only_parts(rows: list[dict[str, Any]], *, parts: Sequence[str] | None) -> list[dict[str, Any]]:
    """Energy rows of the named components only (labels of COMPONENT_LABELS; None keeps them all)."""
    return rows if parts is None else [r for r in rows if r["part"] in parts]


# -- recipes: a rows function and its arguments, as data ---------------------------------------------------------


#: What a Recipe may name: the functions above, by name. The browser resolves a recipe's name here, nowhere else.
FUNCTIONS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    f.__name__: f for f in (timeline_rows, battery_rows, energy_rows, metric_rows, or_placeholder_bar, only_parts)
}


class Recipe:
    """``fn(arg, **kwargs)`` for one of this module's FUNCTIONS, its arguments kept as plain data (JSON).

    A chart of the kit takes its rows from a Recipe called on each Result; the static twin records the recipes of
    its datasets, and the live page sends them to the browser, which rebuilds them with ``from_json`` and runs them
    on its own Result: the same code, the same arguments. ValueError for a function that is not one of FUNCTIONS or
    an argument that JSON cannot carry.
    """

    __slots__ = ("fn", "kwargs")

    def __init__(self, fn: Callable[..., list[dict[str, Any]]], **kwargs: Any) -> None:
        if FUNCTIONS.get(getattr(fn, "__name__", "")) is not fn and _chapter_name(fn) is None:
            raise ValueError(f"Recipe(fn={show(fn)}): allowed one of widgets.rows' {', '.join(FUNCTIONS)}, or a "
                             "function defined at the top of a chapter module (widgets/chapters/<chapter>.py)")
        for name, value in kwargs.items():
            if not _plain(value):
                raise ValueError(f"Recipe({fn.__name__}, {name}={show(value)}): allowed None, True/False, numbers, "
                                 "strings, and lists of them")
        self.fn = fn
        self.kwargs = kwargs

    def __call__(self, arg: Any) -> list[dict[str, Any]]:
        return self.fn(arg, **self.kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Recipe) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(repr(self.to_json()))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"Recipe({self.fn.__name__}{args})"

    def to_json(self) -> dict[str, Any]:
        """The recipe as JSON data: ``{"fn": name, "kwargs": {...}}`` (tuples become lists)."""
        name = self.fn.__name__ if FUNCTIONS.get(self.fn.__name__) is self.fn else _chapter_name(self.fn)
        return {"fn": name, "kwargs": {k: _listed(v) for k, v in self.kwargs.items()}}

    @classmethod
    def from_json(cls, data: Any) -> Recipe:
        if not isinstance(data, dict) or not isinstance(data.get("fn"), str) or not isinstance(data.get("kwargs"),
                                                                                               dict):
            raise ValueError(f"Recipe.from_json({show(data)}): allowed {{'fn': name, 'kwargs': {{...}}}}")
        name = data["fn"]
        if name in FUNCTIONS:
            return cls(FUNCTIONS[name], **data["kwargs"])
        module, _, attr = name.partition(":")
        if not module.startswith(CHAPTERS_PACKAGE + ".") or not attr.isidentifier():
            raise ValueError(f"Recipe.from_json: fn={show(name)}: allowed one of {', '.join(FUNCTIONS)} or "
                             f"'{CHAPTERS_PACKAGE}.<chapter>:<function>'")
        return cls(getattr(importlib.import_module(module), attr), **data["kwargs"])


#: Chapters may give their own rows functions to a Recipe: top-level functions of a module of this package.
CHAPTERS_PACKAGE = "widgets.chapters"


def _chapter_name(fn: Any) -> str | None:
    """"module:function" for a function defined at the top of a chapter module, else None."""
    module, name = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if not isinstance(module, str) or not module.startswith(CHAPTERS_PACKAGE + ".") or not name.isidentifier():
        return None
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return f"{module}:{name}" if found is fn else None


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, list | tuple) and all(_plain(v) for v in value)


def _listed(value: Any) -> Any:
    return [_listed(v) for v in value] if isinstance(value, list | tuple) else value


# -- a dataset: the rows of every run, keyed, as CSV --------------------------------------------------------------


def keyed_rows(keyed: Iterable[tuple[dict[str, Any], Any]], rows_of: Callable[[Any], list[dict[str, Any]]],
               post: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """``rows_of(result)`` over ``(keys, result)`` pairs, each row with its run's key columns, then optionally
    reshaped by ``post(rows)``."""
    out: list[dict[str, Any]] = []
    for keys, result in keyed:
        for row in rows_of(result):
            row.update(keys)
            out.append(row)
    return post(out) if post is not None else out


def csv_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as CSV text, the columns of the first row unless given (a fraction of the size of JSON records)."""
    if columns is None:
        columns = list(rows[0]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in rows)
    return out.getvalue()

