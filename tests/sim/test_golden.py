"""Golden results: each preset, seed 0, against tests/sim/golden/*.json (regenerate: tests/sim/regen_golden.py)."""

from __future__ import annotations

import json

import pytest

from sim import PRESETS
from tests.sim.regen_golden import GOLDEN_DIR, golden


@pytest.mark.parametrize("name", PRESETS)
def test_preset_matches_its_golden_result(name):
    path = GOLDEN_DIR / f"{name}.json"
    expected = json.loads(path.read_text())
    actual = json.loads(json.dumps(golden(name)))
    assert actual["counts"] == expected["counts"]
    assert actual["notes"] == expected["notes"]
    flat = lambda windows: [t for w in windows for t in w]  # noqa: E731
    assert flat(actual["deep_maintenance_windows"]) == pytest.approx(flat(expected["deep_maintenance_windows"]))
    for key in ("summary", "energy_by_component_mah", "energy_by_app_mah"):
        assert actual[key].keys() == expected[key].keys(), key
        for metric, value in expected[key].items():
            assert actual[key][metric] == pytest.approx(value, rel=1e-6, abs=1e-6), f"{key}.{metric}"
