"""A lab re-runs the simulator when a control changes, and shows a kernel-free twin when the book is built."""

from __future__ import annotations

import json

import altair as alt
import jsonschema
import pytest

import sim
from widgets import Control, Lab, kit
from widgets.lab import STATIC_ENV

DAY_S = 6 * 3600


def scenario(interval_min: int, charging: bool) -> sim.Scenario:
    work = sim.ImmediateWork(every_s=interval_min * 60.0, cpu_s=0.5, down_bytes=100_000)
    day = sim.Day(network=(sim.NetworkPeriod(0, DAY_S, "cellular"),), moving=(sim.Period(0, DAY_S),),
                  charging=(sim.Period(0, DAY_S),) if charging else ())
    # Exempt from Doze, so that light Doze does not batch the syncs itself.
    return sim.Scenario(apps=(sim.App("sync", doze_exempt=True, work=(work,)),), day=day, duration_s=DAY_S)


CONTROLS = [
    Control("interval_min", "Sync every", "choice", 10, options=[5, 10, 30]),
    Control("charging", "Plugged in", "toggle", False),
]


def figure(runs, where):  # type: ignore[no-untyped-def]
    return kit.summary_view(runs, where, battery=True)


def compare(runs, where_a, where_b, label_a, label_b):  # type: ignore[no-untyped-def]
    return kit.ab_view(runs, where_a, where_b, label_a, label_b, energy_parts=("Cell radio: tail",))


@pytest.fixture
def lab() -> Lab:
    return Lab(scenario, CONTROLS, figure, compare=compare, seed=3)


def _validate(chart: alt.TopLevelMixin) -> None:
    validator = jsonschema.Draft7Validator(alt.vegalite.v6.schema.core.load_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(chart.to_dict(validate=False))]
    assert errors == []


def test_a_control_change_reruns_the_simulator_and_redraws(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    box = lab.widget()
    live = lab._widget_state  # type: ignore[attr-defined]
    assert live.values() == {"interval_min": 10, "charging": False}
    before = lab.run(interval_min=10)
    live.inputs["interval_min"].value = 5
    after = lab.run(interval_min=5)
    # Twice the syncs: twice the promotions on an idle cellular radio, and the chart drawn from the new run.
    assert after.summary["radio_promotions"] == pytest.approx(2 * before.summary["radio_promotions"], abs=1)
    assert "ms" in live.status.value and "color:#b00" not in live.status.value
    # A lab with an A/B view opens on it, as its static twin does.
    assert live.ab.value is True
    assert live.view.spec is live.spec and live.spec == lab.spec(ab=True, interval_min=5)
    assert box is lab.widget()


def test_reset_and_ab_switch(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    lab.widget()
    live = lab._widget_state  # type: ignore[attr-defined]
    live.inputs["charging"].value = True
    live.ab.value = True
    assert "A against B" not in live.status.value  # the status line only reports timing
    live.reset.click()
    assert live.values() == {"interval_min": 10, "charging": False}


def test_charts_of_live_runs_and_comparisons_validate_against_vega_lite(lab: Lab) -> None:
    _validate(lab.chart(interval_min=30, charging=True))
    _validate(lab.compare(interval_min=5))


def _schema_errors(spec: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(alt.vegalite.v6.schema.core.load_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(spec)]


@pytest.mark.parametrize("ab", [False, True])
def test_the_live_template_gives_the_spec_a_fresh_build_would(lab: Lab, ab: bool) -> None:
    lab.spec(ab=ab)  # records the template from the defaults
    fast = lab.spec(ab=ab, interval_min=30, charging=True)
    assert _schema_errors(fast) == []
    # The data of a fresh build for the same choice, dataset by dataset.
    fresh = Lab(scenario, CONTROLS, figure, compare=compare, seed=3).spec(ab=ab, interval_min=30, charging=True)
    assert _datasets(fast) == _datasets(fresh)
    assert _datasets(fast) != _datasets(lab.spec(ab=ab))


def _datasets(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["values"]] if isinstance(node.get("values"), str) else []
        return found + [v for child in node.values() for v in _datasets(child)]
    if isinstance(node, list):
        return [v for child in node for v in _datasets(child)]
    return []


def test_the_static_twin_binds_every_control_over_every_grid_point(lab: Lab) -> None:
    twin = lab.static_twin()
    _validate(twin)
    spec = twin.to_dict()
    assert {p["name"] for p in spec["params"]} == {"interval_min", "charging"}
    assert {p["bind"]["input"] for p in spec["params"]} == {"select", "checkbox"}
    assert len(lab._cache) == 6  # 3 intervals x 2 charging states, each simulated once
    assert "k_interval_min" in json.dumps(spec)


def test_the_cell_shows_the_twin_and_no_widget_while_the_book_builds(lab: Lab,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATIC_ENV, "1")
    bundle = lab._repr_mimebundle_()
    assert "text/html" in bundle and "vegaEmbed" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert lab._widget is None


def test_the_cell_shows_the_live_lab_in_a_kernel(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    bundle = lab._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_value_no_control_allows_is_refused_in_plain_words(lab: Lab) -> None:
    with pytest.raises(ValueError, match=r"interval_min=7: allowed 5, 10, 30"):
        lab.run(interval_min=7)


def test_a_baseline_other_than_the_defaults_is_the_a_side(monkeypatch: pytest.MonkeyPatch) -> None:
    lab = Lab(scenario, CONTROLS, figure, compare=compare, baseline={"interval_min": 5}, baseline_label="every 5 min")
    twin = lab.static_twin().to_dict()
    assert "A: every 5 min" in json.dumps(twin)
    runs = lab.runs({"interval_min": 5, "charging": False})
    assert twin["vconcat"][0]["transform"][0]["filter"] == runs.where_values({"interval_min": 5, "charging": False})
    with pytest.raises(ValueError, match=r"interval_min=7: allowed 5, 10, 30"):
        Lab(scenario, CONTROLS, figure, compare=compare, baseline={"interval_min": 7})


def test_a_run_too_large_shows_its_message_in_place_of_the_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    every = Control("every_s", "Sync every", "choice", 900, options=[900, 1])

    def crowd(every_s: int) -> sim.Scenario:
        apps = tuple(sim.App(f"a{i:02d}", work=(sim.ImmediateWork(every_s=every_s, cpu_s=0.1),)) for i in range(40))
        return sim.Scenario(apps=apps, duration_s=DAY_S)

    lab = Lab(crowd, [every], figure)
    lab.widget()
    live = lab._widget_state  # type: ignore[attr-defined]
    assert live.view.layout.display is None
    live.inputs["every_s"].value = 1  # 40 apps working every second: millions of pieces of work a day
    assert "Scenario too large" in live.status.value and "color:#b00" in live.status.value
    assert live.view.layout.display == "none"
    live.inputs["every_s"].value = 900
    assert live.view.layout.display is None and "ms" in live.status.value
