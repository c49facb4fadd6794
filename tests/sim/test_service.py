"""System services (sim/service.py): a new one plugs into the phone without any edit to sim/phone.py, hears the
phone's changes, runs work in its apps' processes, cancels timers, stops running work, and adds its own summary
metrics, notes and lanes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from sim import App, Day, Scenario, Session
from sim.phone import SYSTEM_SERVICES, Phone
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD
from sim.records import StateSpan, WorkRecord
from sim.service import ServiceHost

H = 3600.0


@dataclass(frozen=True)
class Ping:
    """A tiny mechanism: ask the Pinger service for `cpu_s` of work every `every_s`."""

    kind: ClassVar[str] = "ping"
    every_s: float = 600.0
    cpu_s: float = 2.0

    def start(self, host: Any, app: str) -> None:
        host.submit(app, self)


class Pinger:
    """A tiny system service: runs each app's pings while the screen is on, and stops a ping the moment the screen
    turns off; it counts what it did and draws a lane of its own."""

    name = "pinger"
    kinds = ("ping",)

    def __init__(self, host: ServiceHost) -> None:
        self.host = host
        self.runs = 0
        self.stopped = 0
        self.changes: list[str] = []
        self.running: dict[str, Any] = {}
        self.spans: list[StateSpan] = []

    def submit(self, app: str, mechanism: Any) -> None:
        def tick() -> None:
            h = self.host
            if h.screen_on and app not in self.running:
                self.running[app] = h.start_work(h.now, h.now, app, mechanism.cpu_s, 0, 0, "ping",
                                                 lambda rec: self._done(app, rec), "")
            h.schedule(mechanism.every_s, tick)

        never = self.host.schedule(1.0, lambda: pytest.fail("a cancelled timer fired"))
        never.cancel()
        self.host.schedule(0.0, tick)

    def _done(self, app: str, rec: WorkRecord) -> None:
        self.runs += 1
        self.running.pop(app, None)
        self.spans.append(StateSpan("ping", rec.start_s, rec.end_s, "ran", app))

    def changed(self, what: str) -> None:
        self.changes.append(what)
        if what == "screen" and not self.host.screen_on:
            for app, work in list(self.running.items()):
                rec = work.stop("screen off")
                self.stopped += 1
                self.running.pop(app)
                self.spans.append(StateSpan("ping", rec.start_s, rec.end_s, "stopped", app))

    def summary(self, t_end: float) -> dict[str, float]:
        return {"ping_runs": float(self.runs), "ping_stopped": float(self.stopped)}

    def notes(self) -> list[str]:
        return [f"pinger: {self.runs} pings, {self.stopped} stopped by the screen going off"]

    def lanes(self, t_end: float) -> list[StateSpan]:
        return self.spans

    def waiting(self, app: str, t_end: float) -> list[tuple[float, float]]:
        return []


def _run():
    day = Day(screen=(Session(0.0, 1000.0), Session(2 * H, 2 * H + 1000.0)))
    app = App("a", work=(Ping(every_s=600.0, cpu_s=100.0),))
    sc = Scenario(day=day, apps=(app,), duration_s=3 * H)
    phone = Phone(sc, seed=0, services=(*SYSTEM_SERVICES, Pinger))
    return phone, phone.run()


def test_a_new_service_plugs_in_without_editing_the_phone():
    phone, r = _run()
    pinger = phone.services[-1]
    assert isinstance(pinger, Pinger)
    # ticks at 0 and 600 s run (screen on until 1000 s); the 600 s one is stopped at 1000 s; at 2 h again
    ran = [(s.start_s, s.end_s, s.value) for s in r.lane("ping", "a")]
    assert ran == [(0.0, 100.0 + COLD, "ran"), (600.0, 700.0, "ran"), (7200.0, 7300.0, "ran"),
                   (7800.0, 7900.0, "ran")]
    assert r.summary["ping_runs"] == 4.0 and r.summary["ping_stopped"] == 0.0
    assert "pinger: 4 pings, 0 stopped by the screen going off" in r.notes
    assert {"screen", "state", "doze"} <= set(pinger.changes)
    assert r.summary["job_runs"] == 0.0  # JobScheduler still plugged in beside it


def test_stopped_work_books_nothing_after_the_stop():
    day = Day(screen=(Session(0.0, 1000.0),))
    app = App("a", work=(Ping(every_s=900.0, cpu_s=300.0),))
    sc = Scenario(day=day, apps=(app,), duration_s=H)
    phone = Phone(sc, seed=0, services=(Pinger,))
    r = phone.run()
    # the 900 s ping would run to 1200 s; the screen goes off at 1000 s and the service stops it there
    assert [(w.start_s, w.end_s) for w in r.work] == [(0.0, 300.0 + COLD), (900.0, 1000.0)]
    assert r.summary["ping_stopped"] == 1.0
    assert max(t1 for t0, t1, _, comp in r.current_segments() if comp == "cpu.active") == 1000.0
    cpu_mah = r.energy_by()["cpu.active"]
    ma = sc.device.power.cpu_active_ma
    assert cpu_mah == pytest.approx(ma * (300.0 + COLD + 100.0) / 3600.0)
    assert [s.value for s in r.lane("process", "a")] == ["service", "cached", "service", "cached"]
    assert [e.detail for e in r.events if e.kind == "work_stop"] == ["screen off"]


def test_two_services_cannot_take_the_same_kind():
    with pytest.raises(ValueError, match="'ping' is taken by two system services"):
        Phone(Scenario(), seed=0, services=(Pinger, Pinger))


def test_work_of_a_kind_no_service_takes_is_refused_by_name():
    sc = Scenario(apps=(App("a", work=(Ping(),)),), duration_s=H)
    with pytest.raises(ValueError, match="no system service takes work of kind 'ping'"):
        Phone(sc, seed=0).run()
