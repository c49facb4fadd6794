"""The phone (sim/phone.py): run() end to end, determinism, and the summary's metrics."""

from __future__ import annotations

import pytest

from sim import PRESETS, Scenario, run


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_runs_and_is_deterministic(name):
    sc = Scenario.preset(name, variation=True)
    a, b = run(sc, seed=7), run(sc, seed=7)
    assert a == b
    assert a.summary["battery_drained_mah"] > 0
    assert run(sc, seed=8) != a


def test_run_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"allowed a sim\.Scenario"):
        run({"preset": "weekday"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="run\\(seed='1'\\): allowed an int"):
        run(Scenario(), seed="1")  # type: ignore[arg-type]


def test_desk_overnight_batches_work_into_maintenance_windows():
    r = run(Scenario.preset("desk_overnight"))
    s = r.summary
    assert s["work_deferred"] > 0.5 * s["work_runs"]
    assert s["work_latency_p95_s"] > 3600
    assert s["maintenance_windows"] >= 4
    assert s["doze_deep_idle_s"] > 10 * 3600


def test_battery_drained_matches_the_ledger():
    r = run(Scenario.preset("weekday"))
    assert r.summary["battery_drained_mah"] == pytest.approx(sum(e.mah for e in r.energy))
    assert r.summary["battery_drained_pct"] == pytest.approx(100 * r.summary["battery_drained_mah"] / 3450)
