"""Work and mechanisms (sim/work.py): the request interface and ImmediateWork."""

from __future__ import annotations

import pytest

from sim import App, Day, ImmediateWork, Mechanism, Scenario, Session, WorkItem, run
from sim.phone import Phone
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD  # the first work in an app starts its process


def test_immediate_work_is_a_mechanism_and_runs_when_asked():
    assert isinstance(ImmediateWork(), Mechanism)
    app = App("a", work=(ImmediateWork(every_s=100, cpu_s=2.0, first_s=10),))
    r = run(Scenario(day=Day(screen=(Session(0, 86_400),)), apps=(app,), duration_s=500))
    assert [(w.requested_s, w.start_s, w.end_s) for w in r.work] == [(10.0, 10.0, 12.0 + COLD)] + [
        (t, t, t + 2.0) for t in (110.0, 210.0, 310.0, 410.0)
    ]
    assert r.summary["work_latency_p95_s"] == 0.0


def test_random_phase_comes_from_the_seed():
    app = App("a", work=(ImmediateWork(every_s=900),))
    sc = Scenario(apps=(app,), duration_s=3600)
    first = [run(sc, seed=s).work[0].requested_s for s in (1, 1, 2)]
    assert first[0] == first[1] != first[2]


def test_request_work_interface_with_on_done():
    sc = Scenario(day=Day(screen=(Session(0, 86_400),)), apps=(App("a"),), duration_s=100)
    phone = Phone(sc, seed=0)
    done = []
    phone.schedule(5.0, lambda: phone.request_work("a", WorkItem(cpu_s=3.0), "custom", on_done=done.append))
    result = phone.run()
    assert [(w.mechanism, w.start_s, w.end_s) for w in result.work] == [("custom", 5.0, 8.0 + COLD)]
    assert done == list(result.work)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WorkItem(cpu_s=0), "allowed work that does something"),
        (lambda: WorkItem(up_bytes=-1), "WorkItem.up_bytes=-1"),
        (lambda: ImmediateWork(every_s=0), r"ImmediateWork.every_s=0: allowed \[1, 604800\]"),
        (lambda: ImmediateWork(cpu_s=-1), "WorkItem.cpu_s=-1"),
    ],
)
def test_bad_work_is_rejected(make, message):
    with pytest.raises(ValueError, match=message):
        make()
