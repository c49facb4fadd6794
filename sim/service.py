"""System services: the protocol a system mechanism (JobScheduler, AlarmManager, ...) implements, and the host
interface the phone gives it: the clock, cancellable timers, phone state, processes and running work."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Protocol

from sim.records import StateSpan, WorkRecord

__all__ = ["CHANGES", "RunningWork", "ServiceHost", "SystemService", "Timer"]

#: What a service hears about (`SystemService.changed`): the screen turned on or off ("screen", heard before the
#: rest of that instant's changes are applied), the user's day changed the phone's state ("state": screen, charger,
#: network, motion or the app in front), Doze changed state ("doze"), the CPU woke from suspend ("wake"), an app's
#: standby bucket changed ("bucket").
CHANGES = ("screen", "state", "doze", "wake", "bucket")


class Timer(Protocol):
    """A pending timer callback; `cancel()` makes it do nothing when its time comes."""

    def cancel(self) -> None: ...

    @property
    def cancelled(self) -> bool: ...


class RunningWork(Protocol):
    """Work running in an app's process: energy and CPU are booked up to the moment it ends or is stopped."""

    app: str
    start_s: float
    end_s: float  # when it will end if nothing stops it (or when it ended)

    @property
    def running(self) -> bool: ...

    def stop(self, why: str) -> WorkRecord: ...


class ServiceHost(Protocol):
    """What a system service may use of the phone (sim.phone.Phone implements it)."""

    duration_s: float
    api_level: int
    apps: tuple[str, ...]  # the scenario's apps, by name
    rng: random.Random
    assumptions: Any  # sim.Assumptions
    notes: list[str]
    callbacks_run: int  # timer callbacks run so far: an unchanged count means nothing happened in between
    # the phone's state now
    screen_on: bool
    charging: bool
    network: str  # "wifi", "cellular" or "none"
    foreground: str  # the app on screen ("" for none)
    doze: Any  # sim.doze.Doze: its states (deep, light_idle, in_maintenance) and wake_from_idle()

    @property
    def now(self) -> float: ...

    # timers
    def schedule(self, delay_s: float, callback: Callable[[], None]) -> Timer: ...

    def call_later(self, delay_s: float, fn: Callable[..., None], *args: object) -> Timer: ...

    def wakeup_alarm(self, reason: str) -> None: ...

    def awake(self) -> bool: ...

    # what restricts an app now
    def doze_idle(self) -> bool: ...

    def bucket(self, app: str) -> str | None: ...

    def exempt(self, app: str) -> bool: ...

    def target_sdk(self, app: str) -> int: ...

    def process_state(self, app: str) -> str:
        """The app's process state now (one of sim.processes.PROCESS_STATES)."""
        ...

    def watch_work(self, fn: Callable[[str, str, float], None]) -> None:
        """Call fn(app, process state, t) whenever work starts (or a process is kept) in an app's process."""
        ...

    def submit(self, app: str, mechanism: Any) -> None:
        """Hand a mechanism to the system service that takes its kind (a receiver scheduling a sim.Job)."""
        ...

    def battery_pct(self, t_s: float) -> float: ...

    # records
    def record(self, lane: str, t_s: float, value: str, app: str = "") -> None: ...

    def event(self, t_s: float, kind: str, app: str, detail: str) -> None: ...

    # work in an app's process
    def keep_process(self, app: str, state: str, t: float, end_s: float) -> Callable[[float], None]:
        """Keep the app's process in `state` (one of sim.processes.WORK_STATES) from t to end_s, starting it cold
        if need be, with no CPU of its own (a service between its bursts of work); the returned function cuts the
        span at a later time."""
        ...

    def wakelock(self, t0_s: float, t1_s: float, app: str, reason: str) -> Callable[[float], None]:
        """The app holds a partial wakelock from t0_s to t1_s, keeping the CPU awake; the returned function releases
        it earlier (the wakelock is the app's to release: deep Doze is the caller's to apply)."""
        ...

    def start_work(
        self,
        t_req: float,
        t: float,
        app: str,
        cpu_s: float,
        up_bytes: int,
        down_bytes: int,
        reason: str,
        on_done: Callable[[WorkRecord], None] | None,
        waited: str,
        *,
        proc_state: str = "service",
    ) -> RunningWork: ...


class SystemService(Protocol):
    """One of Android's system services, plugged into the phone (see sim.phone.SYSTEM_SERVICES).

    It is built with the phone's ServiceHost; `kinds` names the mechanisms (sim.Job's "job", ...) it takes from
    the scenario's apps through `submit`. It hears phone-state changes through `changed`, and adds its own summary
    metrics, notes, lanes and the spans its apps' work waited, at the end of the run.
    """

    name: str
    kinds: tuple[str, ...]

    def submit(self, app: str, mechanism: Any) -> None: ...

    def changed(self, what: str) -> None: ...

    def summary(self, t_end: float) -> dict[str, float]: ...

    def notes(self) -> list[str]: ...

    def lanes(self, t_end: float) -> list[StateSpan]: ...

    def waiting(self, app: str, t_end: float) -> list[tuple[float, float]]: ...
