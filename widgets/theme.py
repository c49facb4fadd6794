"""The book's one chart theme: white background, a colour-blind-safe palette, sizes that fit the text column."""

from __future__ import annotations

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (widgets.live): nothing is drawn there
    from widgets._absent import altair as alt

__all__ = ["COLUMN_WIDTH_PX", "FONT", "PALETTE", "THEME_NAME", "enable"]

THEME_NAME = "backstage"

#: Okabe & Ito's palette ("Color Universal Design", 2008): distinguishable with the common colour-vision
#: deficiencies. Black is left out of the categorical range because it is the text colour.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
)

#: Width of sphinx-book-theme's main column at a desktop window, less the output cell's padding.
COLUMN_WIDTH_PX = 640

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _theme() -> alt.theme.ThemeConfig:
    label = {"labelFont": FONT, "labelFontSize": 12, "titleFont": FONT, "titleFontSize": 13, "labelColor": "#222"}
    return alt.theme.ThemeConfig(
        config={
            # Opaque white: a transparent chart turns unreadable under a dark page theme.
            "background": "white",
            "padding": 8,
            "font": FONT,
            "view": {"continuousWidth": COLUMN_WIDTH_PX, "continuousHeight": 260, "stroke": None},
            "range": {"category": list(PALETTE)},
            "axis": {**label, "titleColor": "#222", "gridColor": "#e6e6e6", "domainColor": "#888"},
            "legend": {**label, "titleColor": "#222", "orient": "bottom"},
            "header": {"labelFont": FONT, "labelFontSize": 12, "titleFont": FONT, "titleFontSize": 13},
            "title": {"font": FONT, "fontSize": 15, "anchor": "start", "color": "#111", "subtitleFont": FONT,
                      "subtitleFontSize": 12, "subtitleColor": "#444"},
            "text": {"font": FONT, "fontSize": 12, "color": "#222"},
        }
    )


def enable() -> None:
    """Register the theme with Altair and make it the active one (idempotent)."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(_theme)
    alt.theme.enable(THEME_NAME)
