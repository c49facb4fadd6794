"""The foreground app (sim/foreground.py): background CPU work makes its frames miss their deadline."""

from __future__ import annotations

import pytest

from sim import App, Day, ImmediateWork, Scenario, Session, run
from sim.foreground import FrameModel, jank_sweep
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD  # the first work in an app starts its process


def test_idle_phone_misses_few_frames_and_contention_misses_more():
    m = FrameModel()
    assert m.miss_probability(0) == pytest.approx(0.0047, abs=0.001)  # about 0.5 % on an idle phone
    probs = [m.miss_probability(b) for b in range(8)]
    assert probs == sorted(probs) and probs[6] > 0.25


def test_sweep_counts_frames_only_while_an_app_is_on_screen():
    m = FrameModel()
    j = jank_sweep([(0, 60)], [(30, 90)] * 6, m)
    assert j.foreground_s == 60 and j.frames == 3600
    expected = 1800 * m.miss_probability(0) + 1800 * m.miss_probability(6)
    assert j.janky_frames == pytest.approx(expected)
    assert j.baseline_janky_frames == pytest.approx(3600 * m.miss_probability(0))
    assert j.slowdown_s == pytest.approx(30 * (1 / m.share(6) - 1))


def test_background_sync_during_a_session_makes_the_app_stutter():
    day = Day(screen=(Session(0, 600, "game"),))
    quiet = run(Scenario(day=day, duration_s=600))
    busy_apps = tuple(App(f"s{i}", work=(ImmediateWork(every_s=86_400, cpu_s=60.0, first_s=100),)) for i in range(6))
    busy = run(Scenario(day=day, apps=busy_apps, duration_s=600))
    assert quiet.summary["janky_frames_from_background"] == 0
    assert busy.summary["janky_frames_from_background"] > 1000
    assert busy.summary["foreground_slowdown_pct"] == pytest.approx(100 * (60 + COLD) / 600 * (8 / 4 - 1))
