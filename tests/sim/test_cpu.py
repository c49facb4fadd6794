"""CPU and wakeups (sim/cpu.py): suspend unless held, every resume counted and charged to who caused it."""

from __future__ import annotations

import pytest

from sim import App, Day, ImmediateWork, Scenario, Session, run
from sim.cpu import cpu_sweep


def sweep(holds, active=(), t_end=100.0, wakeup_s=0.1):
    ledger, segments = [], []
    spans, events = cpu_sweep(
        list(holds), list(active), t_end=t_end, awake_ma=10.0, active_ma=200.0, wakeup_s=wakeup_s,
        ledger=lambda c, a, m: ledger.append((c, a, m)), segment=lambda *s: segments.append(s),
    )
    return spans, events, ledger, segments


def test_suspended_unless_held_and_each_resume_is_a_wakeup():
    spans, events, ledger, _ = sweep([(10, 20, "a", "work"), (15, 30, "b", "work"), (50, 60, "b", "alarm")])
    assert [(s.start_s, s.end_s, s.value) for s in spans] == [
        (0, 10, "suspended"), (10, 30, "awake"), (30, 50, "suspended"), (50, 60, "awake"), (60, 100, "suspended"),
    ]
    assert [(e.t_s, e.app, e.detail) for e in events] == [(10, "a", "work"), (50, "b", "alarm")]
    wake = [m for c, _, m in ledger if c == "cpu.wakeup"]
    assert wake == [pytest.approx(200 * 0.1 / 3600)] * 2


def test_awake_energy_is_shared_by_hold_time():
    _, _, ledger, _ = sweep([(0, 10, "a", "w"), (0, 30, "b", "w")])
    awake = {a: m for c, a, m in ledger if c == "cpu.awake"}
    total = 10.0 * 30 / 3600
    assert awake["a"] == pytest.approx(total * 10 / 40)
    assert awake["b"] == pytest.approx(total * 30 / 40)


def test_hold_at_time_zero_is_not_a_wakeup_and_back_to_back_holds_are_one():
    spans, events, _, _ = sweep([(0, 10, "a", "w"), (10, 20, "b", "w")])
    assert events == []
    assert [s.value for s in spans] == ["awake", "suspended"]


def test_active_when_work_runs():
    spans, *_ = sweep([(10, 20, "a", "w")], active=[(12, 18)])
    assert [s.value for s in spans] == ["suspended", "awake", "active", "awake", "suspended"]


def test_wakeups_counted_in_a_run_with_reason_and_app():
    app = App("chat", work=(ImmediateWork(every_s=600, cpu_s=1.0, first_s=30),))
    day = Day(screen=(Session(0, 10),))  # light Doze starts at 70 s, but it honours wakelocks
    r = run(Scenario(day=day, apps=(app,), duration_s=1800))
    wakeups = [e for e in r.events if e.kind == "wakeup"]
    assert [e.t_s for e in wakeups if e.app == "chat"] == [30.0, 630.0, 1230.0]
    assert r.summary["wakeups"] == len(wakeups)
    assert {e.detail for e in wakeups} >= {"immediate", "doze"}
