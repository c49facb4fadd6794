"""The chart kit: simulation results in, Altair charts out, in the vocabulary of Battery Historian.

Every function takes a ``Runs`` (one or many results, keyed by control values) and ``where``, a Vega expression
choosing which run to show; the same function draws a live run, either side of an A/B view, and the static twin
whose bound params pick a precomputed run in the browser. Data is inlined as CSV with only the plotted columns,
times rounded, so that a twin over dozens of runs stays small; ``Template`` redraws a live figure for a new run
without rebuilding its charts. The rows themselves come from ``widgets.rows`` (standard library only), through a
``Recipe`` per dataset, so that the reader's browser can compute them too (``widgets.live``).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import math
from collections.abc import Iterator, Sequence
from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (widgets.live): rows are computed there, nothing is drawn
    from widgets._absent import altair as alt

from widgets.controls import show
from widgets.rows import (
    APP_ROWS,
    COMPONENT_LABELS,
    DEFAULT_METRICS,
    DERIVED_METRICS,
    DEVICE_ROWS,
    GROUPS,
    MAX_BATTERY_POINTS,
    METRICS,
    RESULT_METRICS,
    Recipe,
    _check_names,
    _check_step,
    _check_window,
    _device_rows,
    _merge,
    _metric_label,
    _metrics,
    battery_rows,
    csv_text,
    energy_rows,
    keyed_rows,
    metric_rows,
    metric_value,
    oldest_data_min,
    only_parts,
    or_placeholder_bar,
    timeline_rows,
)
from widgets.runs import Runs
from widgets.theme import COLUMN_WIDTH_PX, PALETTE

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
    "Template",
    "ab_energy_chart",
    "ab_table",
    "ab_view",
    "battery_chart",
    "battery_rows",
    "energy_chart",
    "energy_rows",
    "metric_rows",
    "metric_value",
    "metrics_table",
    "oldest_data_min",
    "recorded_data",
    "summary_view",
    "timeline_chart",
    "timeline_rows",
]
# (_merge and _check_* are re-exported for the kit's older tests and callers; they live in widgets.rows)
_ = (_check_names, _check_step, _check_window, _merge)

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
    return alt.InlineData(values=csv_text(rows, columns), format=alt.DataFormat(type="csv", parse=parse))


def _keyed_rows(runs: Runs, rows_of: Any, post: Any = None) -> list[dict[str, Any]]:
    return keyed_rows(runs.keyed(), rows_of, post)


#: While a Template is being recorded, every dataset a chart draws from is named and its recipe kept here.
_RECIPES: contextvars.ContextVar[list[tuple[Any, Any]] | None] = contextvars.ContextVar("recipes", default=None)
#: While a static twin is drawn, every dataset's recipe and CSV text are kept here (the datasets keep no name, so
#: that Altair still merges identical ones into one copy on the page).
_RECORDED: contextvars.ContextVar[list[tuple[Any, Any, str]] | None] = contextvars.ContextVar("recorded",
                                                                                               default=None)


@contextlib.contextmanager
def recorded_data() -> Iterator[list[tuple[Any, Any, str]]]:
    """Within the block, every dataset a chart of the kit draws from is listed as ``(rows_of, post, csv_text)``:
    how a lab's static twin learns which recipe fills which dataset of its page (``widgets.lab``)."""
    recorded: list[tuple[Any, Any, str]] = []
    token = _RECORDED.set(recorded)
    try:
        yield recorded
    finally:
        _RECORDED.reset(token)


def _data(runs: Runs, rows_of: Any, post: Any = None) -> alt.InlineData:
    """The rows ``rows_of(result)`` of every run, keyed, optionally reshaped by ``post(rows)``, as inline CSV.
    ``rows_of`` and ``post`` are Recipes (widgets.rows) wherever a lab may run live in the browser."""
    data = _inline(_keyed_rows(runs, rows_of, post))
    recipes = _RECIPES.get()
    if recipes is not None:
        data.name = f"backstage_{len(recipes)}"
        recipes.append((rows_of, post))
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append((rows_of, post, data.values))
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
            values[f"backstage_{i}"] = csv_text(_keyed_rows(runs, rows_of, post))
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


def _duration_h(runs: Runs) -> float:
    return max(float(r.meta["duration_s"]) for _, r in runs.items) / 3600.0


def _x(window_h: tuple[float, float], title: str = "Hours from the start of the scenario") -> alt.X:
    # Presets start at a meaningful moment (midnight for a weekday, bedtime for the desk): say hours, not clock.
    return alt.X("start_h:Q", title=title, scale=alt.Scale(domain=list(window_h), nice=False),
                 axis=alt.Axis(tickMinStep=0.5, grid=True))


# -- timeline ------------------------------------------------------------------------------------------------------


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

    data = _data(runs, Recipe(timeline_rows, apps=apps, window_h=window, gap_s=gap_s, rows=rows),
                 Recipe(or_placeholder_bar, row=row_labels[0]))
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


def battery_chart(runs: Runs, where: str | None, *, title: str = "Battery", height: int = 140,
                  width: int = COLUMN_WIDTH_PX - 170, step_s: float = 300.0) -> alt.Chart:
    """Battery level over the day, in percent."""
    fn = "battery_chart"
    _check_runs(fn, runs, where)
    _check_step(fn, step_s, max(float(r.meta["duration_s"]) for _, r in runs.items))
    _check_text(fn, "title", title)
    _check_px(fn, "height", height)
    _check_px(fn, "width", width)
    data = _data(runs, Recipe(battery_rows, step_s=step_s))
    chart = alt.Chart(data).mark_line(color=PALETTE[0], strokeWidth=2).encode(
        x=_x((0.0, _duration_h(runs))),
        y=alt.Y("pct:Q", title="Battery (%)", scale=alt.Scale(zero=False, nice=True)),
        tooltip=[alt.Tooltip("start_h:Q", title="Hour", format=".2f"), alt.Tooltip("pct:Q", title="%", format=".1f")],
    )
    return _filtered(chart, where).properties(
        width=width, height=height, title=title,
        description="Line chart of the battery level in percent over the simulated day.",
    )


# -- energy --------------------------------------------------------------------------------------------------------


def energy_chart(runs: Runs, where: str | None, *, by: str = "component", title: str | None = None,
                 width: int = COLUMN_WIDTH_PX - 230) -> alt.LayerChart:
    """Where the energy went, in mAh: by component (as BatteryStats splits it) or by app."""
    if by not in ("component", "app"):
        raise ValueError(f"energy_chart(by={show(by)}): allowed 'component' or 'app'")
    _check_runs("energy_chart", runs, where)
    _check_text("energy_chart", "title", title, optional=True)
    _check_px("energy_chart", "width", width)
    base = alt.Chart(_data(runs, Recipe(energy_rows, by=by))).encode(
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




def metrics_table(runs: Runs, where: str | None, *, metrics: Sequence[str] | None = None,
                  title: str = "In numbers") -> alt.Chart:
    """The named metrics of the summary (``metrics``: keys of METRICS, default all), with units, as a table."""
    _check_runs("metrics_table", runs, where)
    _metrics(metrics)
    _check_text("metrics_table", "title", title)
    data = _data(runs, Recipe(metric_rows, keys=metrics, without="value"))
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
    data = _data(runs, Recipe(metric_rows, keys=metrics, without="text"))
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

    base = (
        alt.Chart(_data(runs, Recipe(energy_rows, by="component"), Recipe(only_parts, parts=parts)))
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
