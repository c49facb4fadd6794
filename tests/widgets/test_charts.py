"""Charts validate against Vega-Lite's schema, carry a description and use the book's theme."""

from __future__ import annotations

import altair as alt
import jsonschema

import widgets
from sim import history
from widgets import theme


def test_history_chart_validates_against_the_vega_lite_schema() -> None:
    spec = widgets.android_history_chart().to_dict(validate=False)
    validator = jsonschema.Draft7Validator(alt.vegalite.v6.schema.core.load_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(spec)]
    assert errors == []


def test_history_chart_has_a_description_and_names_every_restriction() -> None:
    spec = widgets.android_history_chart().to_dict()
    assert spec["description"].startswith("Grid of Android releases")
    labels = {row["label"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert labels == {r.label for r in history.RESTRICTIONS}


def test_importing_widgets_enables_the_book_theme() -> None:
    assert alt.theme.active == theme.THEME_NAME
    config = alt.Chart().to_dict(validate=False)["config"]
    assert config["background"] == "white"
    assert config["range"]["category"] == list(theme.PALETTE)
