"""The chart kit: every chart validates, describes itself, and shows what the result says."""

from __future__ import annotations

import altair as alt
import jsonschema
import pytest

import sim
from widgets import kit
from widgets.lab import Runs


@pytest.fixture(scope="module")
def night() -> Runs:
    result = sim.run(sim.Scenario.preset("desk_overnight", duration_s=12 * 3600), seed=1)
    return Runs((), (({}, result),))


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict(validate=False)
    validator = jsonschema.Draft7Validator(alt.vegalite.v6.schema.core.load_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(spec)]
    assert errors == []
    return spec


def _descriptions(spec: dict) -> list[str]:
    found = [spec["description"]] if "description" in spec else []
    for key in ("vconcat", "hconcat", "layer"):
        for child in spec.get(key, []):
            found += _descriptions(child)
    return found


@pytest.mark.parametrize(
    "make",
    [
        lambda r: kit.timeline_chart(r, None),
        lambda r: kit.battery_chart(r, None),
        lambda r: kit.energy_chart(r, None, by="component"),
        lambda r: kit.energy_chart(r, None, by="app"),
        lambda r: kit.metrics_table(r, None),
        lambda r: kit.summary_view(r, None),
        lambda r: kit.ab_view(r, None, None, "same", "same", energy_parts=("Screen",)),
    ],
    ids=["timeline", "battery", "energy-component", "energy-app", "metrics", "summary", "ab"],
)
def test_every_chart_validates_and_has_a_description(night: Runs, make) -> None:  # type: ignore[no-untyped-def]
    spec = _spec(make(night))
    assert _descriptions(spec), "a chart without a description has no accessible label"


def test_the_timeline_draws_each_deep_doze_idle_span_of_the_result(night: Runs) -> None:
    result = night.items[0][1]
    rows = kit.timeline_rows(result, apps=None, window_h=(0.0, 12.0), gap_s=1.0)
    drawn = [(r["start_h"], r["dur_s"]) for r in rows if r["row"] == "Doze: deep idle"]
    expected = [(round(s.start_s / 3600, 4), round(s.end_s - s.start_s, 1))
                for s in result.lane("doze") if s.value == "deep_idle"]
    assert drawn == expected
    # Deep idle begins 64.5 min after the screen goes off (android-facts §8 scenario 9: 60-65 min).
    assert drawn[0][0] == pytest.approx(64.5 / 60, abs=1e-3)


def test_the_energy_split_adds_up_to_the_battery_drained(night: Runs) -> None:
    result = night.items[0][1]
    total = sum(r["mah"] for r in kit.energy_rows(result, "component"))
    assert total == pytest.approx(result.summary["battery_drained_mah"], rel=1e-3)


def test_metrics_carry_units_and_the_reader_sees_formatted_values(night: Runs) -> None:
    rows = {r["metric"]: r["text"] for r in kit.metric_rows(night.items[0][1])}
    assert "Battery drained (mAh)" in rows and "Radio energy in tails" in rows
    assert rows["Radio energy in tails"].endswith("%")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: kit.timeline_chart(r, None, rows=["Screen"]), r"timeline rows='Screen': allowed Screen on"),
        (lambda r: kit.metrics_table(r, None, metrics=["battery"]), r"metrics='battery': allowed battery_drained_mah"),
        (lambda r: kit.energy_chart(r, None, by="colour"), r"energy_chart\(by='colour'\): allowed 'component'"),
    ],
)
def test_a_wrong_option_is_refused_naming_it(night: Runs, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call(night)
