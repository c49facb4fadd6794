"""Altair charts for the book; each carries a description that Vega uses as the chart's accessible label."""

from __future__ import annotations

try:
    import altair as alt
    import pandas as pd
except ModuleNotFoundError:  # in the reader's browser (widgets.live): nothing is drawn there
    from widgets._absent import altair as alt
    from widgets._absent import pandas as pd

from sim import history
from widgets.theme import COLUMN_WIDTH_PX

__all__ = ["android_history_chart"]


def _release_label(api_level: int) -> str:
    return f"{history.RELEASES[api_level]} (API {api_level})"


def android_history_chart() -> alt.Chart:
    """A grid of Android releases (rows) by the guide's four tools (columns): what each release restricted."""
    rows = []
    for r in history.RESTRICTIONS:
        rows.append(
            {
                "release": _release_label(r.api_level),
                "api": r.api_level,
                "area": r.area,
                "label": r.label,
                "detail": r.detail,
                "applies_to": r.applies_to,
                "source": r.source,
            }
        )
    frame = pd.DataFrame(rows)
    release_order = [_release_label(api) for api in sorted(history.RELEASES)]
    base = alt.Chart(frame).encode(
        x=alt.X("area:N", sort=list(history.AREAS), title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", ticks=False, domain=False)),
        y=alt.Y("release:N", sort=release_order, title="Android release", axis=alt.Axis(ticks=False, domain=False)),
        tooltip=[
            alt.Tooltip("release:N", title="Release"),
            alt.Tooltip("area:N", title="Area"),
            alt.Tooltip("detail:N", title="What changed"),
            alt.Tooltip("applies_to:N", title="Applies to"),
            alt.Tooltip("source:N", title="Source"),
        ],
    )
    cells = base.mark_rect(cornerRadius=4, stroke="white", strokeWidth=3).encode(
        color=alt.Color("area:N", sort=list(history.AREAS), legend=None),
        opacity=alt.value(0.22),
    )
    # Every label has two lines; Vega centres the first, so lift the block by half a line.
    text = base.mark_text(fontSize=11, lineBreak="\n", baseline="middle", dy=-7).encode(text="label:N")
    return (
        (cells + text)
        .properties(
            width=COLUMN_WIDTH_PX - 90,
            height=alt.Step(40),
            title=alt.Title(
                "What each Android release restricted",
                subtitle="Hover a cell for the details and the source.",
            ),
            description=(
                "Grid of Android releases from 4.4 to 15 against five areas (whole device, scheduled jobs, "
                "services, broadcasts, alarms); each filled cell names the background-work restriction that "
                "release introduced in that area."
            ),
        )
        .configure_view(stroke=None)
    )
